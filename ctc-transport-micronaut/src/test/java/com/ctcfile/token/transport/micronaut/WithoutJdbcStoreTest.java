package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs in a surefire execution of its own whose class path lacks ctc-store-jdbc, the module's
 * optional dependency: the application starts, and {@code store=jdbc} says what is missing.
 */
class WithoutJdbcStoreTest {

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("ctc.token.endpoint", server.endpoint().toString());
    properties.put("ctc.token.client-id", server.clientId());
    properties.put("ctc.token.client-secret", server.clientSecret());
    return properties;
  }

  @Test
  void theClassPathLacksTheJdbcStore() {
    assertThatThrownBy(() -> Class.forName("com.ctcfile.token.store.jdbc.JdbcTokenStore"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void startsAndServesTokensWithTheMemoryStore() {
    try (ApplicationContext context = ApplicationContext.run(properties())) {
      assertThat(context.getBean(CtcApi.class).protectedResource()).contains("\"ok\":true");
      assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
    }
  }

  @Test
  void storeJdbcNamesTheMissingModule() {
    Map<String, Object> properties = properties();
    properties.put("ctc.token.store", "jdbc");

    assertThatThrownBy(() -> ApplicationContext.run(properties).close())
        .satisfies(failure -> assertThat(CtcTokenConfigurationTest.messagesOf(failure))
            .contains("ctc.token.store=jdbc needs com.ctcfile.token:ctc-store-jdbc on the class path"));
  }
}
