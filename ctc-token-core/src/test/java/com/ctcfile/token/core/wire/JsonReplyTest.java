package com.ctcfile.token.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.core.wire.JsonReply.Composite;
import com.ctcfile.token.core.wire.JsonReply.Literal;
import com.ctcfile.token.core.wire.JsonReply.Number;
import com.ctcfile.token.core.wire.JsonReply.Text;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The hand-written reader behind {@link TokenReplyDecoder}: strict RFC 8259, one object, nothing after it. */
class JsonReplyTest {

  @Test
  void readsEveryKindOfMemberValue() {
    JsonReply reply = JsonReply.parse(" {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"n\":-12.5e+3, \"t\":true,"
        + " \"f\":false, \"z\":null, \"o\":{\"x\":[1,{\"y\":[]}]}, \"a\":[\"q\",2]}\r\n").orElseThrow();

    assertThat(reply.get("s")).contains(new Text("a\"b\\c/\né\uD83D\uDE00"));
    assertThat(reply.get("n")).contains(new Number("-12.5e+3"));
    assertThat(((Number) reply.get("n").orElseThrow()).decimal()).isEqualByComparingTo("-12500");
    assertThat(reply.get("t")).contains(new Literal("true"));
    assertThat(reply.get("f")).contains(new Literal("false"));
    assertThat(reply.get("z")).as("null counts as absent").isEmpty();
    assertThat(reply.get("o")).contains(new Composite("{\"x\":[1,{\"y\":[]}]}"));
    assertThat(reply.get("a")).contains(new Composite("[\"q\",2]"));
    assertThat(reply.get("missing")).isEmpty();
  }

  @Test
  void ofARepeatedNameTheLastWins() {
    assertThat(JsonReply.parse("{\"k\":\"first\",\"k\":\"last\"}").orElseThrow().get("k")).contains(new Text("last"));
  }

  @Test
  void anEmptyObjectIsAnObject() {
    assertThat(JsonReply.parse("{}")).isPresent();
    assertThat(JsonReply.parse("{ }")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\":1}x", "{\"a\":1}{}", "{a:1}",
      "{'a':1}", "{\"a\":'b'}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
      "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}", "{\"a\":True}",
      "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"open}", "{/*c*/\"a\":1}",
      "{\"a\":1}//c", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\"}}", "{\"a\":{\"b\":1,}}", "\uFEFF{}"})
  void anythingButExactlyOneStrictObjectIsNotJson(String text) {
    assertThat(JsonReply.parse(text)).as(text).isEmpty();
  }

  @Test
  void nestingIsBoundedSoThatAHostileBodyCannotExhaustTheStack() {
    String deepButAllowed = "{\"a\":" + "[".repeat(JsonReply.MAX_DEPTH) + "]".repeat(JsonReply.MAX_DEPTH) + "}";
    String tooDeep = "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";

    assertThat(JsonReply.parse(deepButAllowed)).isPresent();
    assertThat(JsonReply.parse(tooDeep)).isEmpty();
  }
}
