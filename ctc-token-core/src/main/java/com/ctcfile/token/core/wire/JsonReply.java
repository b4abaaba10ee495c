package com.ctcfile.token.core.wire;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The members of a token reply: one JSON object, read strictly (RFC 8259: no comments, no single
 * quotes or unquoted names, nothing after the object), by hand so that core and every module above it
 * bring no JSON library into an application. Member values are kept as {@link Value}s; nested objects
 * and arrays only as their JSON text, since no reply field is read inside one. Deeper nesting than
 * {@value #MAX_DEPTH} levels is refused rather than risking the caller's stack.
 */
final class JsonReply {

  static final int MAX_DEPTH = 64;

  /** A member's value. */
  sealed interface Value permits Text, Number, Literal, Composite {
    /** The value as {@code getAsString} reads a JSON primitive: a string's characters, a number's or literal's text. */
    String asText();
  }

  /** A JSON string. */
  record Text(String value) implements Value {
    @Override
    public String asText() {
      return value;
    }
  }

  /** A JSON number, as written. */
  record Number(String text) implements Value {
    BigDecimal decimal() {
      return new BigDecimal(text);
    }

    @Override
    public String asText() {
      return text;
    }
  }

  /** {@code true}, {@code false} or {@code null}. */
  record Literal(String text) implements Value {
    boolean isNull() {
      return text.equals("null");
    }

    @Override
    public String asText() {
      return text;
    }
  }

  /** An object or array, as its JSON text. */
  record Composite(String json) implements Value {
    @Override
    public String asText() {
      return json;
    }
  }

  private final Map<String, Value> members;

  private JsonReply(Map<String, Value> members) {
    this.members = members;
  }

  /** The object {@code text} holds, or empty when it is not exactly one JSON object. */
  static Optional<JsonReply> parse(String text) {
    try {
      Parser parser = new Parser(text);
      parser.skipWhitespace();
      if (parser.peek() != '{') {
        return Optional.empty();
      }
      Map<String, Value> members = parser.object();
      parser.skipWhitespace();
      return parser.atEnd() ? Optional.of(new JsonReply(members)) : Optional.empty();
    } catch (NotJson notJson) {
      return Optional.empty();
    }
  }

  /** The member {@code name}; a JSON {@code null} counts as absent. Of repeated names the last wins. */
  Optional<Value> get(String name) {
    Value value = members.get(name);
    if (value instanceof Literal literal && literal.isNull()) {
      return Optional.empty();
    }
    return Optional.ofNullable(value);
  }

  private static final class NotJson extends Exception {
    NotJson() {
      super(null, null, false, false);
    }
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return at == text.length();
    }

    char peek() throws NotJson {
      if (atEnd()) {
        throw new NotJson();
      }
      return text.charAt(at);
    }

    void expect(char c) throws NotJson {
      if (peek() != c) {
        throw new NotJson();
      }
      at++;
    }

    void skipWhitespace() {
      while (!atEnd()) {
        char c = text.charAt(at);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        at++;
      }
    }

    Map<String, Value> object() throws NotJson {
      Map<String, Value> members = new HashMap<>();
      expect('{');
      skipWhitespace();
      if (peek() == '}') {
        at++;
        return members;
      }
      while (true) {
        skipWhitespace();
        String name = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        members.put(name, value());
        skipWhitespace();
        if (peek() == ',') {
          at++;
        } else {
          expect('}');
          return members;
        }
      }
    }

    Value value() throws NotJson {
      char c = peek();
      if (c == '"') {
        return new Text(string());
      }
      if (c == '{' || c == '[') {
        int start = at;
        skipComposite();
        return new Composite(text.substring(start, at));
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        return new Number(number());
      }
      for (String literal : new String[] {"true", "false", "null"}) {
        if (text.startsWith(literal, at)) {
          at += literal.length();
          return new Literal(literal);
        }
      }
      throw new NotJson();
    }

    /** Skips a nested object or array, checking its syntax, without keeping its members. */
    void skipComposite() throws NotJson {
      skipNested(1);
    }

    private void skipNested(int depth) throws NotJson {
      if (depth > MAX_DEPTH) {
        throw new NotJson();
      }
      char open = peek();
      char close = open == '{' ? '}' : ']';
      at++;
      skipWhitespace();
      if (peek() == close) {
        at++;
        return;
      }
      while (true) {
        skipWhitespace();
        if (open == '{') {
          string();
          skipWhitespace();
          expect(':');
          skipWhitespace();
        }
        char c = peek();
        if (c == '{' || c == '[') {
          skipNested(depth + 1);
        } else {
          value();
        }
        skipWhitespace();
        if (peek() == ',') {
          at++;
        } else {
          expect(close);
          return;
        }
      }
    }

    String string() throws NotJson {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = peek();
        at++;
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char escaped = peek();
        at++;
        switch (escaped) {
          case '"', '\\', '/' -> out.append(escaped);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> out.append(unicodeEscape());
          default -> throw new NotJson();
        }
      }
    }

    private char unicodeEscape() throws NotJson {
      if (at + 4 > text.length()) {
        throw new NotJson();
      }
      int code = 0;
      for (int i = 0; i < 4; i++) {
        int digit = Character.digit(text.charAt(at++), 16);
        if (digit < 0) {
          throw new NotJson();
        }
        code = code * 16 + digit;
      }
      return (char) code;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, returned as written. */
    String number() throws NotJson {
      int start = at;
      if (peek() == '-') {
        at++;
      }
      if (peek() == '0') {
        at++;
      } else {
        digits();
      }
      if (!atEnd() && text.charAt(at) == '.') {
        at++;
        digits();
      }
      if (!atEnd() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
        at++;
        if (peek() == '+' || peek() == '-') {
          at++;
        }
        digits();
      }
      return text.substring(start, at);
    }

    private void digits() throws NotJson {
      int start = at;
      while (!atEnd() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        at++;
      }
      if (at == start) {
        throw new NotJson();
      }
    }
  }
}
