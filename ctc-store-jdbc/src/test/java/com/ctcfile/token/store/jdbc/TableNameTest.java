package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"ctc_access_token", "_t", "T1", "Tokens", "app.ctc_access_token", "_s._t"})
  void acceptsPlainIdentifiersOptionallySchemaQualified(String name) {
    assertThat(TableName.of(name).sql()).isEqualTo(name);
  }

  @Test
  void acceptsIdentifiersOf63CharactersInEachPart() {
    String longest = "a".repeat(63) + "." + "b".repeat(63);

    assertThat(TableName.of(longest).sql()).isEqualTo(longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "1tokens", "ctc-token", "ctc token", "tokens;DROP TABLE users", "tokens--",
      "a.b.c", ".tokens", "tokens.", "\"Tokens\"", "`tokens`", "[tokens]", "t\u00f6kens", "tokens\n", "s.1t",
      "tokens/*x*/"})
  void refusesAnythingElse(String name) {
    assertThatThrownBy(() -> TableName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain SQL identifier");
  }

  @Test
  void refusesAPartOf64Characters() {
    assertThatThrownBy(() -> TableName.of("a".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TableName.of("s." + "a".repeat(64))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void doesNotEchoAVeryLongName() {
    String garbage = "x".repeat(300) + "!";

    assertThatThrownBy(() -> TableName.of(garbage))
        .hasMessageContaining("of 301 characters")
        .hasMessageNotContaining(garbage);
  }

  @Test
  void builderValidatesTheNameAtOnce() {
    JdbcTokenStore.Builder builder = JdbcTokenStore.builder(new DriverManagerDataSource("jdbc:h2:mem:unused"));

    assertThatThrownBy(() -> builder.tableName("tokens; DROP TABLE users"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.tableName(null)).isInstanceOf(NullPointerException.class);
  }
}
