package com.ctcfile.token.transport.vertx;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.TransportContractTest;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** {@link VertxTransport} passes the testkit's transport contract, with its own and with a caller's WebClient. */
class VertxTransportTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  @Nested
  class OwnWebClient extends TransportContractTest {
    @Override
    protected Transport createTransport() {
      return VertxTransport.create(vertx);
    }
  }

  @Nested
  class CallersWebClient extends TransportContractTest {
    private final List<WebClient> clients = new ArrayList<>();

    @Override
    protected Transport createTransport() {
      WebClient client = WebClient.create(vertx);
      clients.add(client);
      return VertxTransport.create(client);
    }

    @AfterEach
    void closeClients() {
      clients.forEach(WebClient::close);
    }
  }
}
