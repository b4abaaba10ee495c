package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.transport.jdk.JdkHttpClientTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * What {@link CtcBearerExchangeFilter} replays after a 401: the bytes its first attempt wrote, so a
 * body from a publisher that can be subscribed only once is sent again intact; a body over
 * {@link CtcBearerExchangeFilter#MAX_REPLAY_BYTES} is not, its 401 is the answer and the renewal still runs.
 */
class ReplayableBodyTest {

  private FakeCtcServer server;
  private TokenManager tokens;
  private WebClient client;

  @BeforeEach
  void start() {
    server = FakeCtcServer.builder().build().start();
    tokens = TokenManager.builder().endpoint(server.endpoint()).clientId(server.clientId())
        .clientSecret(server.clientSecret()).transport(JdkHttpClientTransport.create()).build();
    client = WebClient.builder()
        .filter(CtcBearerExchangeFilter.builder(tokens).host("127.0.0.1:" + server.port()).build()).build();
  }

  @AfterEach
  void stop() {
    tokens.close();
    server.close();
  }

  private int post(Flux<DataBuffer> body) {
    return client.post().uri(server.protectedUri()).contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(BodyInserters.fromDataBuffers(body))
        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
        .block(Duration.ofSeconds(30));
  }

  private static Flux<DataBuffer> once(byte[] bytes) {
    // a unicast sink: a second subscriber gets an error, as from a stream read once
    Sinks.Many<DataBuffer> sink = Sinks.many().unicast().onBackpressureBuffer();
    sink.tryEmitNext(DefaultDataBufferFactory.sharedInstance.wrap(bytes));
    sink.tryEmitComplete();
    return sink.asFlux();
  }

  @Test
  void aBodyFromAOneShotPublisherIsReplayedFromItsCopy() {
    tokens.token();
    server.issueTokenOutOfBand();

    int status = post(once("{\"order\":42}".getBytes(StandardCharsets.UTF_8)));

    assertThat(status).isEqualTo(200);
    assertThat(server.rejected()).isEqualTo(1);
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void aBodyOverTheLimitIsNotReplayedButTheNextCallHasAGoodToken() {
    tokens.token();
    server.issueTokenOutOfBand();
    byte[] big = new byte[CtcBearerExchangeFilter.MAX_REPLAY_BYTES + 1];
    Arrays.fill(big, (byte) 'x');

    int status = post(once(big));

    assertThat(status).isEqualTo(401);
    await().atMost(Duration.ofSeconds(15)).until(() -> server.fetches() == 2);
    assertThat(post(once(new byte[] {'y'}))).isEqualTo(200);
    assertThat(server.rejected()).isEqualTo(1);
  }
}
