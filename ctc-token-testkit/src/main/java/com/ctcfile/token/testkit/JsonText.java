package com.ctcfile.token.testkit;

import com.ctcfile.token.core.wire.JsonStrings;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The little JSON the fake server needs: quoting strings, and splitting one object into its members
 * with each value kept as raw text, so a test's {@code "7200"} stays a string and {@code 7200} a
 * number. The testkit depends on no JSON library, as no module of ctc-token does.
 */
final class JsonText {

  private final String text;
  private int pos;

  private JsonText(String text) {
    this.text = text;
  }

  /** {@code value} as a JSON string literal. */
  static String quote(String value) {
    return JsonStrings.quote(value);
  }

  /** {@code number} as a JSON number literal. */
  static String number(Number number) {
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    String text = number.toString();
    try {
      new BigDecimal(text);
    } catch (NumberFormatException notPlain) {
      throw new IllegalArgumentException("not a JSON number: " + number.getClass().getName());
    }
    return text;
  }

  /**
   * The members of the JSON object {@code json}, in order, each value as its raw JSON text. A key
   * given twice keeps its last value, as most parsers do.
   *
   * @throws IllegalArgumentException if {@code json} is not one JSON object
   */
  static LinkedHashMap<String, String> members(String json) {
    JsonText parser = new JsonText(json);
    LinkedHashMap<String, String> members = new LinkedHashMap<>();
    parser.skipSpace();
    parser.expect('{');
    parser.skipSpace();
    if (parser.peek() == '}') {
      parser.pos++;
    } else {
      while (true) {
        parser.skipSpace();
        String key = parser.string();
        parser.skipSpace();
        parser.expect(':');
        parser.skipSpace();
        int start = parser.pos;
        parser.skipValue();
        members.put(key, json.substring(start, parser.pos));
        parser.skipSpace();
        if (parser.peek() == ',') {
          parser.pos++;
        } else {
          parser.expect('}');
          break;
        }
      }
    }
    parser.skipSpace();
    if (parser.pos != json.length()) {
      throw parser.error("text after the object");
    }
    return members;
  }

  /** The text of {@code rawValue} if it is a JSON string literal; empty for any other value. */
  static Optional<String> stringValue(String rawValue) {
    if (rawValue.isEmpty() || rawValue.charAt(0) != '"') {
      return Optional.empty();
    }
    return Optional.of(new JsonText(rawValue).string());
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = peek();
      pos++;
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = peek();
      pos++;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out.append(escape);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException e) {
            throw error("bad \\u escape");
          }
          pos += 4;
          break;
        default:
          throw error("bad escape");
      }
    }
  }

  private void skipValue() {
    char c = peek();
    if (c == '"') {
      string();
    } else if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      pos++;
      skipSpace();
      if (peek() == close) {
        pos++;
        return;
      }
      while (true) {
        skipSpace();
        if (c == '{') {
          string();
          skipSpace();
          expect(':');
          skipSpace();
        }
        skipValue();
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else {
          expect(close);
          return;
        }
      }
    } else if (text.startsWith("true", pos) || text.startsWith("null", pos)) {
      pos += 4;
    } else if (text.startsWith("false", pos)) {
      pos += 5;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int start = pos;
      while (pos < text.length() && "+-.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      try {
        new BigDecimal(text.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error("bad number");
      }
    } else {
      throw error("expected a value");
    }
  }

  // the position, never the text: the text may hold a token
  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not a JSON object: " + what + " at index " + pos);
  }
}
