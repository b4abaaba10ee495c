package com.ctcfile.token.core.wire;

/** JSON string literals for modules that write a little JSON without a JSON library of their own. */
public final class JsonStrings {

  private JsonStrings() {}

  /**
   * {@code text} as a JSON string literal, quotes included: {@code "} and {@code \\} escaped, control
   * characters and U+2028 / U+2029 (line breaks to JavaScript) as {@code \\uXXXX} or their short escapes.
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
