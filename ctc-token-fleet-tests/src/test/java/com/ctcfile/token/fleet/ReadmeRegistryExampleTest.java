package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenRegistry;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import java.net.URI;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's "Many client ids in one JVM" example, compiled and run against FakeCtcServer on H2. */
class ReadmeRegistryExampleTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final URI endpoint = server.endpoint();
  private final DataSource dataSource = h2();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void aRegistryHandsOutOneProviderPerClientIdOnSharedResources() {
    String customerClientId = server.clientId();
    String customerSecret = server.clientSecret();
    // tag::registry[]
    TokenRegistry registry = TokenRegistry.builder()
        .endpoint(endpoint)                                // e.g. https://coresite.ctcfile.com
        .transport(HttpClient5Transport.create())          // one client and pool for every client id
        .store(JdbcTokenStore.builder(dataSource)          // one table, one row per client id
            .createTableIfMissing(true)
            .build())
        .build();                                          // TokenManager options apply to every client

    TokenProvider customer = registry.provider(customerClientId, customerSecret); // the same one for this id
    String authorization = customer.token().authorizationHeaderValue();

    registry.remove(customerClientId);                     // closes that client's provider only
    registry.close();                                      // closes the transport, store and threads
    // end::registry[]

    assertThat(authorization).isEqualTo("Bearer " + server.currentToken().orElseThrow());
    assertThat(server.fetches()).isEqualTo(1);
    assertThat(registry.size()).isZero();
  }

  private static DataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:readme-registry-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }
}
