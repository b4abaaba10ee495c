package com.ctcfile.token.core.wire;

import com.google.gson.JsonPrimitive;

/** JSON string literals for modules that write a little JSON without a JSON library of their own. */
public final class JsonStrings {

  private JsonStrings() {}

  /** {@code text} as a JSON string literal, quotes included, with every character that must be escaped escaped. */
  public static String quote(String text) {
    return new JsonPrimitive(text).toString();
  }
}
