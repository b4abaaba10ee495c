package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ctc.token.store=jdbc}: the provider shares its token through a {@code JdbcTokenStore} on the
 * application's {@code DataSource} bean, here H2 through micronaut-jdbc-hikari.
 */
class JdbcStoreWiringTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final String database = "jdbc:h2:mem:ctc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Map<String, Object> properties(String url) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", server.endpoint().toString());
    properties.put("ctc.token.client-id", server.clientId());
    properties.put("ctc.token.client-secret", server.clientSecret());
    properties.put("ctc.token.store", "jdbc");
    properties.put("ctc.token.jdbc.create-table", true);
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.driver-class-name", "org.h2.Driver");
    properties.put("datasources.default.username", "sa");
    properties.put("datasources.default.password", "");
    return properties;
  }

  @Test
  void twoApplicationsOnOneDatabaseShareOneToken() {
    try (ApplicationContext first = ApplicationContext.run(properties(database));
         ApplicationContext second = ApplicationContext.run(properties(database))) {
      assertThat(first.getBean(CtcApi.class).protectedResource()).contains("\"ok\":true");
      assertThat(second.getBean(CtcApi.class).protectedResource()).contains("\"ok\":true");

      assertThat(server.fetches()).as("the second node finds the first one's token in the table").isEqualTo(1);
      assertThat(second.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
    }
  }

  @Test
  void usesTheDataSourceNamedInTheProperties() throws SQLException {
    String other = "jdbc:h2:mem:ctc-other-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Map<String, Object> properties = properties(database);
    properties.put("ctc.token.jdbc.data-source", "tokens");
    properties.put("ctc.token.jdbc.table-name", "shared_tokens");
    properties.put("datasources.tokens.url", other);
    properties.put("datasources.tokens.driver-class-name", "org.h2.Driver");
    properties.put("datasources.tokens.username", "sa");
    properties.put("datasources.tokens.password", "");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      context.getBean(TokenProvider.class).token();

      assertThat(rows(context.getBean(DataSource.class, Qualifiers.byName("tokens")), "shared_tokens")).isEqualTo(1);
      assertThat(tableExists(context.getBean(DataSource.class, Qualifiers.byName("default")), "SHARED_TOKENS")).isFalse();
    }
  }

  @Test
  void failsStartupWithoutADataSource() {
    Map<String, Object> properties = properties(database);
    properties.keySet().removeIf(key -> key.startsWith("datasources."));

    assertThatThrownBy(() -> ApplicationContext.run(properties).close())
        .satisfies(failure -> assertThat(CtcTokenConfigurationTest.messagesOf(failure))
            .contains("ctc.token.store=jdbc needs a javax.sql.DataSource bean"));
  }

  @Test
  void usesTheDefaultDataSourceWhenSeveralExistAndNoneIsNamed() throws SQLException {
    Map<String, Object> properties = properties(database);
    properties.put("datasources.tokens.url", "jdbc:h2:mem:ctc-other-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    properties.put("datasources.tokens.driver-class-name", "org.h2.Driver");
    properties.put("datasources.tokens.username", "sa");
    properties.put("datasources.tokens.password", "");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      context.getBean(TokenProvider.class).token();

      assertThat(rows(context.getBean(DataSource.class, Qualifiers.byName("default")), "ctc_access_token")).isEqualTo(1);
      assertThat(tableExists(context.getBean(DataSource.class, Qualifiers.byName("tokens")), "CTC_ACCESS_TOKEN")).isFalse();
    }
  }

  @Test
  void failsStartupOnABadTableName() {
    Map<String, Object> properties = properties(database);
    properties.put("ctc.token.jdbc.table-name", "tokens; drop table users");

    assertThatThrownBy(() -> ApplicationContext.run(properties).close())
        .satisfies(failure -> assertThat(CtcTokenConfigurationTest.messagesOf(failure))
            .contains("ctc.token.jdbc.table-name"));
  }

  private static int rows(DataSource dataSource, String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static boolean tableExists(DataSource dataSource, String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
      return tables.next();
    }
  }
}
