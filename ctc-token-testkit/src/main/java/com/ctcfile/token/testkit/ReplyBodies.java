package com.ctcfile.token.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** The token endpoint's JSON replies, in the field order of the CTC documentation's sample. */
final class ReplyBodies {

  private ReplyBodies() {}

  /** The fields of a success reply, each value as raw JSON. */
  static LinkedHashMap<String, String> successFields(String token, long expiresInSeconds) {
    LinkedHashMap<String, String> fields = new LinkedHashMap<>();
    fields.put("token_type", "\"\"");
    fields.put("access_token", JsonText.quote(token));
    fields.put("expires_in", Long.toString(expiresInSeconds));
    fields.put("refresh_token", "\"\"");
    fields.put("errcode", "\"\"");
    fields.put("errmsg", "\"\"");
    return fields;
  }

  /** A failure reply: the usual fields, no token, and {@code rawErrcode} as raw JSON. */
  static String error(String rawErrcode, String errmsg) {
    LinkedHashMap<String, String> fields = successFields("", 0);
    fields.put("errcode", rawErrcode);
    fields.put("errmsg", JsonText.quote(errmsg));
    return object(fields);
  }

  /**
   * {@code fields} overridden by {@code overrides}: a member replaces the field of its name in place
   * or is appended; a member that is JSON {@code null} removes the field.
   */
  static LinkedHashMap<String, String> merge(Map<String, String> fields, Map<String, String> overrides) {
    LinkedHashMap<String, String> merged = new LinkedHashMap<>(fields);
    overrides.forEach((name, raw) -> {
      if (raw.equals("null")) {
        merged.remove(name);
      } else {
        merged.put(name, raw);
      }
    });
    return merged;
  }

  /** A JSON object of raw member values. */
  static String object(Map<String, String> fields) {
    StringJoiner json = new StringJoiner(",", "{", "}");
    fields.forEach((name, raw) -> json.add(JsonText.quote(name) + ":" + raw));
    return json.toString();
  }
}
