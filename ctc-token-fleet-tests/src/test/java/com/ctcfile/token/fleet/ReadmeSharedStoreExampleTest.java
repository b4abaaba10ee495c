package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.net.URI;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "Sharing one token across instances" example, compiled and run: two managers (two
 * nodes) on one database fetch once and hand out the same token.
 */
class ReadmeSharedStoreExampleTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final URI endpoint = server.endpoint();
  private final String clientId = server.clientId();
  private final String clientSecret = server.clientSecret();
  private final DataSource dataSource = h2();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void twoNodesOnOneDatabaseShareOneToken() {
    try (TokenManager node1 = newNode(); TokenManager node2 = newNode()) {
      AccessToken first = node1.token();
      AccessToken second = node2.token();

      assertThat(second.value()).isEqualTo(first.value());
      assertThat(server.fetches()).isEqualTo(1);
    }
  }

  private TokenManager newNode() {
    // tag::jdbc-store[]
    TokenManager tokens = TokenManager.builder()
        .endpoint(endpoint)
        .clientId(clientId)
        .clientSecret(clientSecret)
        .transport(HttpClient5Transport.create())
        .store(JdbcTokenStore.builder(dataSource)       // the pool every instance already has
            .tableName("ctc_access_token")
            .createTableIfMissing(true)                 // or run the shipped DDL in your migrations
            .build())
        .build();
    // end::jdbc-store[]
    return tokens;
  }

  private static DataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:readme-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }
}
