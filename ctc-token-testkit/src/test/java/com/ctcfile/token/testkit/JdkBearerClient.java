package com.ctcfile.token.testkit;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import com.ctcfile.token.core.BearerHosts;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Body;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Client;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Reply;
import com.ctcfile.token.testkit.BearerIntegrationContractTest.Setup;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The testkit's reference bearer integration, a wrapper around {@code java.net.http.HttpClient}:
 * the proof that {@link BearerIntegrationContractTest} can be passed, and, broken one {@link Flaw}
 * at a time, that each contract test fails for the breach it is about. It follows redirects itself,
 * judging every hop, and reaches the contract's {@code NAMES_ON_LOOPBACK} by connecting to
 * 127.0.0.1 while judging the name. Test code only; thread-safe.
 */
final class JdkBearerClient implements Client {

  /** Deliberate breaches of the bearer contract. */
  enum Flaw {
    SENDS_TO_ANY_HOST,
    IGNORES_THE_PORT,
    TOKEN_FOLLOWS_REDIRECTS,
    PLAIN_HTTP_ANYWHERE,
    NO_REPLAY,
    REPLAYS_ONE_SHOT_BODIES,
    REPLAYS_WITHOUT_THE_BODY,
    RENEWS_WITH_TOKEN_ASYNC,
    WRAPS_PROVIDER_FAILURES,
    BLOCKS,
    OVERRIDES_THE_CALLERS_AUTHORIZATION
  }

  private static final int MAX_REDIRECTS = 5;

  private final TokenProvider provider;
  private final BearerHosts hosts;
  private final BearerHosts anyPortOfThem;
  private final boolean allowInsecureHttp;
  private final Set<Flaw> flaws;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1).build();

  JdkBearerClient(TokenProvider provider, Setup setup, Set<Flaw> flaws) {
    this.provider = provider;
    this.hosts = BearerHosts.of(setup.hosts());
    this.anyPortOfThem = BearerHosts.of(setup.hosts().stream().map(h -> h.replaceAll(":\\d+$", "")).toList());
    this.allowInsecureHttp = setup.allowInsecureHttp();
    this.flaws = flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(flaws);
  }

  @Override
  public Reply send(String method, URI uri, Map<String, String> headers, Body body, String content) throws Exception {
    URI target = uri;
    boolean redirected = false;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<String> response = exchange(method, target, headers, body, content, redirected);
      Optional<String> location = response.headers().firstValue("Location");
      if (response.statusCode() / 100 != 3 || location.isEmpty()) {
        return new Reply(response.statusCode(), response.body());
      }
      target = target.resolve(location.get());
      redirected = true;
    }
    throw new IllegalStateException("too many redirects");
  }

  private HttpResponse<String> exchange(String method, URI uri, Map<String, String> headers, Body body, String content,
      boolean redirected) throws Exception {
    boolean own = headers.keySet().stream().anyMatch("Authorization"::equalsIgnoreCase)
        && !has(Flaw.OVERRIDES_THE_CALLERS_AUTHORIZATION);
    boolean selected = has(Flaw.SENDS_TO_ANY_HOST) || (has(Flaw.TOKEN_FOLLOWS_REDIRECTS) && redirected)
        || (has(Flaw.IGNORES_THE_PORT) ? anyPortOfThem : hosts).matches(uri);
    if (own || !selected) {
      return http.send(request(method, uri, headers, body, content, null), HttpResponse.BodyHandlers.ofString());
    }
    if (!has(Flaw.PLAIN_HTTP_ANYWHERE) && !BearerHosts.mayCarryToken(uri.getScheme(), uri.getHost(), allowInsecureHttp)) {
      throw BearerFailures.plainHttpRefused(uri.getScheme() + "://" + uri.getRawAuthority(), "allowInsecureHttp(true)");
    }
    AccessToken token = has(Flaw.BLOCKS) ? provider.token() : await(provider.tokenAsync());
    HttpResponse<String> response = http.send(request(method, uri, headers, body, content, token),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 401) {
      return response;
    }
    boolean replayable = body != Body.ONE_SHOT || has(Flaw.REPLAYS_ONE_SHOT_BODIES);
    if (!replayable || has(Flaw.NO_REPLAY)) {
      BearerFailures.renewForNextCall(provider, token);
      return response;
    }
    AccessToken renewed = has(Flaw.RENEWS_WITH_TOKEN_ASYNC) ? await(provider.tokenAsync())
        : await(provider.renewAfterRejectionAsync(token));
    Body again = has(Flaw.REPLAYS_WITHOUT_THE_BODY) ? Body.NONE : body;
    return http.send(request(method, uri, headers, again, content, renewed), HttpResponse.BodyHandlers.ofString());
  }

  private AccessToken await(CompletionStage<AccessToken> stage) throws Exception {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Exception failure = BearerFailures.unwrap(e);
      if (has(Flaw.WRAPS_PROVIDER_FAILURES)) {
        throw new IllegalStateException("no token", failure);
      }
      throw failure;
    }
  }

  private static HttpRequest request(String method, URI uri, Map<String, String> headers, Body body, String content,
      AccessToken token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(onLoopback(uri));
    headers.forEach(request::header);
    if (token != null) {
      request.setHeader("Authorization", token.authorizationHeaderValue());
    }
    byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
    if (body == Body.NONE) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, body == Body.REPEATABLE ? HttpRequest.BodyPublishers.ofByteArray(bytes)
          : HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)), bytes.length));
    }
    return request.build();
  }

  // the contract's names are judged as named and reached on 127.0.0.1
  private static URI onLoopback(URI uri) {
    if (!BearerIntegrationContractTest.NAMES_ON_LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      return uri;
    }
    return URI.create(uri.getScheme() + "://127.0.0.1:" + uri.getPort() + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  private boolean has(Flaw flaw) {
    return flaws.contains(flaw);
  }

  @Override
  public void close() {
    // the JDK client holds no resources worth releasing early in a test
  }
}
