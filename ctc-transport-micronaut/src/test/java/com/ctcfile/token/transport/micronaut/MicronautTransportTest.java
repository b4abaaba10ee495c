package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import com.ctcfile.token.testkit.TransportContractTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.micronaut.http.client.HttpVersionSelection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The port's contract on a caller's client ({@link MicronautTransport#create(HttpClient)}) as an
 * application gets it from its context, configured not to follow redirects; and what only this
 * adapter promises about such a client.
 */
class MicronautTransportTest extends TransportContractTest {

  private static final AtomicInteger CLIENT_NUMBER = new AtomicInteger();
  private static ApplicationContext context;

  @BeforeAll
  static void startContext() {
    context = ApplicationContext.run(Map.of(
        "micronaut.http.client.follow-redirects", false,
        "micronaut.http.client.num-of-threads", 2));
  }

  @AfterAll
  static void stopContext() {
    context.close();
  }

  @Override
  protected Transport createTransport() {
    return MicronautTransport.create(newClient());
  }

  /** A client of the context's own: the context closes it, the transport must not. */
  private static HttpClient newClient() {
    return context.getBean(HttpClientRegistry.class)
        .getClient(HttpVersionSelection.forLegacyVersion(io.micronaut.http.HttpVersion.HTTP_1_1),
            "contract-" + CLIENT_NUMBER.incrementAndGet(), null);
  }

  @Test
  void neverClosesTheCallersClient() throws Exception {
    HttpClient client = newClient();

    MicronautTransport.create(client).close();

    assertThat(client.isRunning()).isTrue();
    TransportResponse response = MicronautTransport.create(client)
        .send(new TransportRequest(tokenRequestUri(), Duration.ofSeconds(10), TransportRequest.DEFAULT_MAX_BODY_BYTES))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void refusesAClientThatFollowsRedirects() {
    try (ApplicationContext defaults = ApplicationContext.run()) {
      HttpClient following = defaults.getBean(HttpClientRegistry.class)
          .getClient(HttpVersionSelection.forLegacyVersion(io.micronaut.http.HttpVersion.HTTP_1_1), "following", null);

      assertThatThrownBy(() -> MicronautTransport.create(following))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("follow-redirects: false");
    }
  }
}
