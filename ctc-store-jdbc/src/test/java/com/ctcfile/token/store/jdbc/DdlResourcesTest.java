package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DDL shipped in the jar, for users to run and for createTableIfMissing. */
class DdlResourcesTest {

  private static final List<String> COLUMNS = List.of("token_key", "version", "token", "token_type", "expires_at",
      "lifetime_seconds", "fetched_at", "lease_owner", "lease_id", "lease_until", "last_error", "next_attempt_at",
      "settle_until", "rejection_fetch_at");

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void everyDatabaseHasItsCreateTableWithEveryColumn(Dialect dialect) throws IOException {
    String raw = resource(dialect);

    assertThat(raw).contains("CREATE TABLE").contains("ctc_access_token");
    for (String column : COLUMNS) {
      assertThat(raw).containsPattern("\\n\\s+" + column + "\\s");
    }
    assertThat(raw).containsPattern("\\n\\s+token\\s+\\w*VARCHAR2?\\(1024( CHAR)?\\)");
    assertThat(raw).containsPattern("token_key\\s+N?VARCHAR2?\\(255");
    assertThat(raw).doesNotContainIgnoringCase("secret");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theUntestedOnesSaySoAndTheTestedOnesAreIdempotent(Dialect dialect) throws IOException {
    String raw = resource(dialect);

    if (dialect.isTested()) {
      assertThat(raw).contains("(tested").contains("CREATE TABLE IF NOT EXISTS");
    } else {
      assertThat(raw).contains("NOT TESTED");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theStoreRunsItForItsOwnTableNameWithoutComments(Dialect dialect) {
    String ddl = TableSetup.ddl(dialect, TableName.of("app.tokens"));

    assertThat(ddl).contains("app.tokens").doesNotContain("ctc_access_token").doesNotContain("--")
        .startsWith("CREATE TABLE").doesNotContain(";");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void everyDatabaseShipsAnUpgradeThatAddsTheNewColumnsAsTheCreateTableDefinesThem(Dialect dialect) throws IOException {
    Map<Column, String> alters = TableSetup.upgrade(dialect, TableName.of(TableName.DEFAULT));
    String create = resource(dialect);

    assertThat(alters.keySet()).containsExactlyInAnyOrderElementsOf(
        Stream.of(Column.values()).filter(Column::addedByUpgrade).collect(Collectors.toList()));
    for (Map.Entry<Column, String> alter : alters.entrySet()) {
      Matcher line = Pattern.compile("(?m)^\\s*(" + alter.getKey().sqlName() + "\\s+.*?),?\\s*$").matcher(create);
      assertThat(line.find()).as("%s in the CREATE TABLE", alter.getKey()).isTrue();
      assertThat(squeezed(alter.getValue())).as("the ALTER of " + alter.getKey())
          .startsWith("ALTER TABLE ctc_access_token ADD").contains(squeezed(line.group(1)));
    }
    assertThat(upgradeResource(dialect)).contains("-- tag::upgrade-" + dialect.ddlResource()
        .replaceAll(".*/(\\w+)\\.sql", "$1") + "[]");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theUpgradeRunsForTheStoresOwnTableName(Dialect dialect) {
    assertThat(TableSetup.upgrade(dialect, TableName.of("app.tokens")).values())
        .allSatisfy(alter -> assertThat(alter).startsWith("ALTER TABLE app.tokens ADD").doesNotContain("ctc_access_token")
            .doesNotContain(";").doesNotContain("--"));
  }

  @Test
  void postgresqlAndH2UpgradesCanRunTwice() {
    for (Dialect dialect : List.of(Dialect.POSTGRESQL, Dialect.H2)) {
      assertThat(TableSetup.upgrade(dialect, TableName.of(TableName.DEFAULT)).values())
          .allSatisfy(alter -> assertThat(alter).contains("ADD COLUMN IF NOT EXISTS"));
    }
  }

  @Test
  void mysqlKeysAndOwnersCompareCaseSensitively() throws IOException {
    String raw = resource(Dialect.MYSQL);

    assertThat(raw).containsPattern("token_key\\s+VARCHAR\\(255\\)\\s+CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    assertThat(raw).containsPattern("lease_owner\\s+VARCHAR\\(128\\)\\s+CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  }

  private static String squeezed(String sql) {
    return sql.trim().replaceAll("\\s+", " ");
  }

  private static String upgradeResource(Dialect dialect) throws IOException {
    try (InputStream in = DdlResourcesTest.class.getClassLoader().getResourceAsStream(dialect.upgradeResource())) {
      assertThat(in).as(dialect.upgradeResource()).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String resource(Dialect dialect) throws IOException {
    try (InputStream in = DdlResourcesTest.class.getClassLoader().getResourceAsStream(dialect.ddlResource())) {
      assertThat(in).as(dialect.ddlResource()).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
