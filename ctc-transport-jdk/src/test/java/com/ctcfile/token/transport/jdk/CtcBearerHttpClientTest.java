package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.testkit.ApiRecorder;
import com.ctcfile.token.testkit.FakeCtcServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link CtcBearerHttpClient} promises beyond the bearer contract (which
 * {@link CtcBearerHttpClientSendTest} and {@link CtcBearerHttpClientSendAsyncTest} run), for the
 * parts of {@code java.net.http} that other HTTP libraries do not have: the body handler never sees
 * the 401 that is replayed, and every publisher the JDK can send again is replayed byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CtcBearerHttpClientTest {

  private static final String PAYLOAD = "{\"order\":42}";

  /** How the caller calls the client. */
  enum Call {
    SEND {
      @Override
      <T> HttpResponse<T> call(HttpClient client, HttpRequest request, BodyHandler<T> handler) throws Exception {
        return client.send(request, handler);
      }
    },
    SEND_ASYNC {
      @Override
      <T> HttpResponse<T> call(HttpClient client, HttpRequest request, BodyHandler<T> handler) throws Exception {
        return client.sendAsync(request, handler).get(15, TimeUnit.SECONDS);
      }
    };

    abstract <T> HttpResponse<T> call(HttpClient client, HttpRequest request, BodyHandler<T> handler) throws Exception;
  }

  /** A body publisher the JDK can send again, each starting over from its first byte. */
  enum Publisher { NO_BODY, STRING, BYTE_ARRAY, BYTE_ARRAY_RANGE, FILE }

  private final FakeCtcServer server = FakeCtcServer.builder().build().start();
  private final ApiRecorder api = ApiRecorder.checkingTokens("127.0.0.1", server::currentToken);
  private final TokenManager tokens = TokenManager.builder().endpoint(server.endpoint()).clientId(server.clientId())
      .clientSecret(server.clientSecret()).transport(JdkHttpClientTransport.create()).build();
  private final CtcBearerHttpClient client = CtcBearerHttpClient.builder(tokens).host(api.hostAndPort())
      .build(HttpClient.newHttpClient());
  @TempDir
  Path temp;

  @AfterEach
  void closeEverything() {
    tokens.close();
    api.close();
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  @DisplayName("the discarded 401 of a replayed request never reaches the caller's body handler")
  void hidesTheReplayedRejectionFromTheBodyHandler(Call call) throws Exception {
    call.call(client, HttpRequest.newBuilder(api.uri("/warm-up")).build(), HttpResponse.BodyHandlers.discarding());
    server.issueTokenOutOfBand();
    List<Integer> handled = new CopyOnWriteArrayList<>();

    HttpResponse<String> reply = call.call(client, HttpRequest.newBuilder(api.uri("/orders")).build(), info -> {
      handled.add(info.statusCode());
      return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    });

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(api.seen()).extracting(ApiRecorder.Seen::path).as("the replay was sent")
        .containsExactly("/warm-up", "/orders", "/orders");
    assertThat(handled).as("statuses the caller's handler was given").containsExactly(200);
  }

  static Stream<Arguments> publishersAndCalls() {
    return Arrays.stream(Publisher.values())
        .flatMap(publisher -> Arrays.stream(Call.values()).map(call -> arguments(publisher, call)));
  }

  @ParameterizedTest(name = "{0} by {1}")
  @MethodSource("publishersAndCalls")
  @DisplayName("a request whose publisher can be sent again is replayed once with the same method, headers and bytes")
  void replaysEveryRepeatablePublisher(Publisher publisher, Call call) throws Exception {
    call.call(client, HttpRequest.newBuilder(api.uri("/warm-up")).build(), HttpResponse.BodyHandlers.discarding());
    server.issueTokenOutOfBand();

    HttpResponse<String> reply = call.call(client, HttpRequest.newBuilder(api.uri("/orders"))
        .method("PUT", publisher(publisher)).header("X-Request-Id", "order-42").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(reply.statusCode()).isEqualTo(200);
    String expected = publisher == Publisher.NO_BODY ? "" : PAYLOAD;
    List<ApiRecorder.Seen> writes = api.seen().subList(1, api.seen().size());
    assertThat(writes).hasSize(2).allSatisfy(seen -> {
      assertThat(seen.method()).isEqualTo("PUT");
      assertThat(seen.header("X-Request-Id")).hasValue("order-42");
      assertThat(seen.body()).isEqualTo(expected);
    });
    assertThat(writes.get(1).header("Authorization")).hasValue("Bearer " + server.currentToken().orElseThrow());
  }

  private BodyPublisher publisher(Publisher publisher) throws IOException {
    byte[] bytes = PAYLOAD.getBytes(StandardCharsets.UTF_8);
    switch (publisher) {
      case NO_BODY:
        return BodyPublishers.noBody();
      case STRING:
        return BodyPublishers.ofString(PAYLOAD);
      case BYTE_ARRAY:
        return BodyPublishers.ofByteArray(bytes);
      case BYTE_ARRAY_RANGE:
        byte[] padded = ("xx" + PAYLOAD + "yy").getBytes(StandardCharsets.UTF_8);
        return BodyPublishers.ofByteArray(padded, 2, bytes.length);
      case FILE:
        return BodyPublishers.ofFile(Files.write(temp.resolve("order.json"), bytes));
      default:
        throw new IllegalArgumentException(publisher.name());
    }
  }
}
