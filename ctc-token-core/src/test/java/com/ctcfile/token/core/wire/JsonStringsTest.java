package com.ctcfile.token.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonStringsTest {

  @Test
  void quotesAndEscapesWhatJsonRequires() {
    assertThat(JsonStrings.quote("plain")).isEqualTo("\"plain\"");
    assertThat(JsonStrings.quote("a\"b\\c\n\r\t\b\f\u0001\u001f\u2028\u2029é/"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u2028\\u2029é/\"");
  }

  @Test
  void whatItWritesReadsBackAsTheSameText() {
    String text = "tok\"en\\ \u0000 \u2028 密钥 \uD83D\uDE00";

    JsonReply reply = JsonReply.parse("{\"v\":" + JsonStrings.quote(text) + "}").orElseThrow();

    assertThat(reply.get("v")).contains(new JsonReply.Text(text));
  }
}
