package com.ctcfile.token.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;
import com.ctcfile.token.core.InMemoryTokenStore;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.transport.httpclient5.HttpClient5Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ctc.token.*} meter moves when its event happens, against the testkit's
 * {@link FakeCtcServer} through the real HttpClient 5 transport; and nothing moves on the hot path.
 */
class CtcTokenMetricsTest {

  private static final String SECRET = "s3cr-metrics-secret";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final FakeCtcServer server = FakeCtcServer.builder().clientSecret(SECRET).build().start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CtcTokenMetrics metrics = CtcTokenMetrics.create();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
    metrics.close();
    server.close();
  }

  private TokenManagerBuilder manager(FakeCtcServer at) {
    return TokenManager.builder()
        .endpoint(at.endpoint())
        .clientId(at.clientId())
        .clientSecret(at.clientSecret())
        .transport(HttpClient5Transport.create())
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .listener(metrics);
  }

  private TokenManager open(TokenManagerBuilder builder) {
    TokenManager manager = builder.build();
    opened.add(manager);
    return manager;
  }

  private double fetches(String reason, String outcome) {
    FunctionTimer timer = registry.find(CtcTokenMetrics.FETCH)
        .tags(CtcTokenMetrics.CLIENT_TAG, server.clientId(), CtcTokenMetrics.REASON_TAG, reason,
            CtcTokenMetrics.OUTCOME_TAG, outcome)
        .functionTimer();
    return timer == null ? 0 : timer.count();
  }

  private double counted(String name, String... tags) {
    FunctionCounter counter = registry.find(name).tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).tags(tags)
        .functionCounter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(String name) {
    return registry.get(name).tag(CtcTokenMetrics.CLIENT_TAG, server.clientId()).gauge().value();
  }

  @Test
  void theFirstFetchMovesTheFetchTimerAndTheGauges() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));

    assertThat(gauge(CtcTokenMetrics.EXPIRY)).as("expiry before the first token").isNaN();
    assertThat(gauge(CtcTokenMetrics.VERSION)).as("version before the first token").isZero();
    assertThat(fetches("initial", "success")).isZero();

    tokens.token();

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));
    FunctionTimer timer = registry.get(CtcTokenMetrics.FETCH).functionTimer();
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).as("time the fetch took").isPositive();
    assertThat(gauge(CtcTokenMetrics.EXPIRY)).as("seconds left on a 3600 s token").isPositive().isLessThanOrEqualTo(3600);
    assertThat(gauge(CtcTokenMetrics.VERSION)).isEqualTo(1);
  }

  @Test
  void aFailedFetchIsTimedWithItsOutcome() {
    metrics.bindTo(registry);
    TokenManager tokens = open(manager(server));
    server.enqueue(Fault.reply(503, "{}"));

    assertThatThrownBy(tokens::token).isInstanceOf(TokenTransportException.class);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "transport_error")).isEqualTo(1));

    await().atMost(PATIENCE).ignoreExceptions().until(() -> tokens.token() != null);
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));
    assertThat(fetches("initial", "transport_error")).as("the failure is counted once").isEqualTo(1);
  }

  @Test
  void anApiErrorIsTimedWithItsOutcome() {
    metrics.bindTo(registry);
    TokenManager tokens = open(manager(server));
    server.enqueue(Fault.errcode("40001", "invalid clientId or clientSecret"));

    assertThatThrownBy(tokens::token).isInstanceOf(CtcApiException.class);

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "api_error")).isEqualTo(1));

    // the manager retries after its backoff, and that fetch succeeds
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));
    assertThat(fetches("initial", "api_error")).isEqualTo(1);
  }

  @Test
  void aRejectionHealedByAFetchAndOneHealedByTheStoreAreToldApart() {
    metrics.bindTo(registry);
    InMemoryTokenStore store = new InMemoryTokenStore();
    // two nodes of one fleet; one listener observes both, as in an application that runs two of them
    TokenManager first = metrics.monitor(open(manager(server).store(store)));
    TokenManager second = open(manager(server).store(store));

    AccessToken shared = first.token();
    assertThat(second.token().version()).isEqualTo(shared.version());
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(counted(CtcTokenMetrics.ADOPTED)).isEqualTo(1));

    AccessToken renewed = first.renewAfterRejection(shared);
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(counted(CtcTokenMetrics.REJECTED, CtcTokenMetrics.HEALED_BY_TAG, "fetch")).isEqualTo(1);
      assertThat(fetches("rejected", "success")).isEqualTo(1);
    });
    assertThat(counted(CtcTokenMetrics.REJECTED, CtcTokenMetrics.HEALED_BY_TAG, "store")).isZero();

    assertThat(second.renewAfterRejection(shared).version()).isEqualTo(renewed.version());
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(counted(CtcTokenMetrics.REJECTED, CtcTokenMetrics.HEALED_BY_TAG, "store")).isEqualTo(1);
      assertThat(counted(CtcTokenMetrics.ADOPTED)).isEqualTo(2);
    });
    assertThat(counted(CtcTokenMetrics.REJECTED, CtcTokenMetrics.HEALED_BY_TAG, "fetch")).isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(2);
    assertThat(gauge(CtcTokenMetrics.VERSION)).isEqualTo(renewed.version()).isGreaterThan(shared.version());
  }

  @Test
  void aRenewalRefusedByTheRejectionRateLimitIsCounted() throws Exception {
    metrics.bindTo(registry);
    TokenManager tokens = open(manager(server));
    server.rejectEveryToken(true);

    AccessToken first = tokens.token();
    assertThat(callApi(first)).isEqualTo(401);
    AccessToken second = tokens.renewAfterRejection(first);
    assertThat(callApi(second)).as("the API keeps rejecting").isEqualTo(401);
    assertThatThrownBy(() -> tokens.renewAfterRejection(second)).isInstanceOf(RenewalRateLimitedException.class);

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(counted(CtcTokenMetrics.RATE_LIMITED)).isEqualTo(1));
    assertThat(fetches("rejected", "success")).as("the first renewal after a rejection was not held back").isEqualTo(1);
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void theExpiryGaugeGoesNegativeWhenTheTokenExpiresAndRenewalsFail() {
    try (FakeCtcServer shortLived = FakeCtcServer.builder().tokenLifetime(Duration.ofSeconds(2)).build().start()) {
      metrics.bindTo(registry);
      TokenManager tokens = metrics.monitor(open(manager(shortLived).retryBackoff(Duration.ofSeconds(1),
          Duration.ofSeconds(1))));
      Gauge expiry = registry.get(CtcTokenMetrics.EXPIRY).tag(CtcTokenMetrics.CLIENT_TAG, shortLived.clientId()).gauge();
      assertThat(expiry.value()).isNaN();

      tokens.token();
      assertThat(expiry.value()).isPositive().isLessThanOrEqualTo(2);
      for (int i = 0; i < 30; i++) {
        shortLived.enqueue(Fault.reply(503, "{}"));
      }

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(expiry.value()).isNegative());
      assertThat(registry.get(CtcTokenMetrics.FETCH).tag(CtcTokenMetrics.OUTCOME_TAG, "transport_error")
          .functionTimer().count()).as("failed renewals").isPositive();
    }
  }

  @Test
  void tenThousandCallsOnAValidTokenMoveNoMeter() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    AccessToken held = tokens.token();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));
    Map<String, List<Double>> before = values(registry);

    for (int i = 0; i < 10_000; i++) {
      assertThat(tokens.token()).isSameAs(held);
    }

    assertThat(values(registry)).as("every meter but the time-driven expiry gauge").isEqualTo(before);
    assertThat(server.tokenRequests()).isEqualTo(1);
  }

  @Test
  void eventsWithoutAnEndToEndTriggerCountToo() {
    // the core does not raise foreignFetchSuspected yet; leaseLost and storeFailed need a store that fails:
    // these are plain listener events, so call them as a manager would
    metrics.bindTo(registry);
    TokenManager tokens = open(manager(server));

    metrics.foreignFetchSuspected(tokens.key(), 3);
    metrics.leaseLost(tokens.key(), 3);
    metrics.leaseLost(tokens.key(), 4);
    metrics.storeFailed(tokens.key(), new TokenStoreException("connection refused"));

    assertThat(counted(CtcTokenMetrics.FOREIGN_FETCH)).isEqualTo(1);
    assertThat(counted(CtcTokenMetrics.LEASE_LOST)).isEqualTo(2);
    assertThat(counted(CtcTokenMetrics.STORE_FAILURES)).isEqualTo(1);
  }

  @Test
  void eventsBeforeTheRegistryIsBoundAreNotLost() {
    TokenManager tokens = open(manager(server));
    tokens.token();
    server.enqueue(Fault.reply(503, "{}"));
    assertThatThrownBy(() -> tokens.renewAfterRejection(tokens.token())).isInstanceOf(TokenTransportException.class);

    metrics.monitor(tokens);
    metrics.bindTo(registry);

    assertThat(fetches("initial", "success")).isEqualTo(1);
    assertThat(fetches("rejected", "transport_error")).isEqualTo(1);
    assertThat(gauge(CtcTokenMetrics.VERSION)).isEqualTo(1);
  }

  @Test
  void everyBoundRegistryShowsTheSameTotalsAndBindingTwiceChangesNothing() {
    SimpleMeterRegistry late = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    tokens.token();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));

    metrics.bindTo(late);
    metrics.bindTo(registry);

    assertThat(late.get(CtcTokenMetrics.FETCH).functionTimer().count()).isEqualTo(1);
    assertThat(late.get(CtcTokenMetrics.VERSION).gauge().value()).isEqualTo(1);
    assertThat(registry.getMeters()).hasSameSizeAs(late.getMeters());
    assertThat(fetches("initial", "success")).isEqualTo(1);
  }

  @Test
  void oneListenerForManyManagersKeepsTheirClientsApart() {
    try (FakeCtcServer other = FakeCtcServer.builder().clientId("other-client").build().start()) {
      metrics.bindTo(registry);
      TokenManager mine = metrics.monitor(open(manager(server)));
      TokenManager theirs = metrics.monitor(open(manager(other)));
      mine.token();
      theirs.token();
      theirs.renewAfterRejection(theirs.token());

      await().atMost(PATIENCE).untilAsserted(() -> {
        assertThat(fetches("initial", "success")).isEqualTo(1);
        assertThat(registry.get(CtcTokenMetrics.FETCH).tag(CtcTokenMetrics.CLIENT_TAG, "other-client")
            .tag(CtcTokenMetrics.REASON_TAG, "rejected").functionTimer().count()).isEqualTo(1);
      });
      assertThat(gauge(CtcTokenMetrics.VERSION)).isEqualTo(1);
      assertThat(registry.get(CtcTokenMetrics.VERSION).tag(CtcTokenMetrics.CLIENT_TAG, "other-client").gauge().value())
          .isEqualTo(2);
    }
  }

  @Test
  void refusesToMonitorASecondManagerOfTheSameClientTag() {
    try (FakeCtcServer sameClientElsewhere = FakeCtcServer.builder().build().start()) {
      TokenManager first = metrics.monitor(open(manager(server)));
      TokenManager second = open(manager(sameClientElsewhere));

      assertThat(metrics.monitor(first)).as("monitoring one manager again").isSameAs(first);
      assertThatThrownBy(() -> metrics.monitor(second)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already monitored");
      metrics.forget(first);
      assertThat(metrics.monitor(second)).isSameAs(second);
    }
  }

  @Test
  void forgetRemovesTheGaugesAndKeepsTheCounts() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    tokens.token();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));

    assertThat(metrics.forget(tokens)).isTrue();
    assertThat(metrics.forget(tokens)).as("forgetting twice").isFalse();

    assertThat(registry.find(CtcTokenMetrics.EXPIRY).gauges()).isEmpty();
    assertThat(registry.find(CtcTokenMetrics.VERSION).gauges()).isEmpty();
    assertThat(fetches("initial", "success")).isEqualTo(1);
  }

  @Test
  void closeRemovesEveryMeterAndLaterEventsAreIgnored() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    tokens.token();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(fetches("initial", "success")).isEqualTo(1));

    metrics.close();
    metrics.leaseLost(tokens.key(), 1);
    tokens.renewAfterRejection(tokens.token());

    assertThat(registry.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> metrics.monitor(tokens)).isInstanceOf(IllegalStateException.class);
    assertThat(metrics.toString()).contains("closed");
  }

  @Test
  void aClosedManagerShowsNoToken() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    tokens.token();

    tokens.close();

    assertThat(gauge(CtcTokenMetrics.EXPIRY)).isNaN();
    assertThat(gauge(CtcTokenMetrics.VERSION)).isZero();
  }

  @Test
  void hashedClientIdsAreShortStableAndNotTheClientId() {
    CtcTokenMetrics hashed = CtcTokenMetrics.builder().hashClientIds(true).build();
    try (TokenManager tokens = manager(server).listener(hashed).build()) {
      hashed.bindTo(registry);
      hashed.monitor(tokens);
      tokens.token();

      String expected = "926aab04"; // the first 8 hex digits of SHA-256("fake-client-id")
      await().atMost(PATIENCE).untilAsserted(() -> assertThat(registry.find(CtcTokenMetrics.FETCH)
          .tags(CtcTokenMetrics.CLIENT_TAG, expected).functionTimer()).isNotNull());
      for (Meter meter : registry.getMeters()) {
        if (meter.getId().getName().startsWith("ctc.token.")) {
          assertThat(meter.getId().getTag(CtcTokenMetrics.CLIENT_TAG)).as(meter.getId().getName()).isEqualTo(expected);
        }
      }
      assertThat(CtcTokenMetrics.shortHash(server.clientId())).isEqualTo(expected);
    } finally {
      hashed.close();
    }
  }

  @Test
  void noTagOrDescriptionCarriesATokenTheSecretOrAnErrorMessage() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    server.enqueue(Fault.errcode("40013", "errmsg-marker"));
    assertThatThrownBy(tokens::token).isInstanceOf(CtcApiException.class);
    AccessToken first = await().atMost(PATIENCE).ignoreExceptions().until(tokens::token, token -> token != null);
    AccessToken second = tokens.renewAfterRejection(first);
    metrics.storeFailed(tokens.key(), new TokenStoreException("store-message-marker"));

    List<String> shown = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      shown.add(meter.getId().getName());
      shown.add(String.valueOf(meter.getId().getDescription()));
      meter.getId().getTags().forEach(tag -> shown.add(tag.getKey() + "=" + tag.getValue()));
    }
    assertThat(shown).isNotEmpty().allSatisfy(text -> assertThat(text)
        .doesNotContain(SECRET, first.value(), second.value(), "errmsg-marker", "store-message-marker", "40013"));
    assertThat(metrics.toString()).doesNotContain(server.clientId());
  }

  @Test
  void metersHaveDescriptionsAndBaseUnits() {
    metrics.bindTo(registry);
    TokenManager tokens = metrics.monitor(open(manager(server)));
    tokens.token();
    metrics.tokenAdopted(tokens.key(), 1);
    metrics.renewedAfterRejection(tokens.key(), 1, 2, false);
    metrics.rejectionRateLimited(tokens.key(), 2, Duration.ofSeconds(10));
    metrics.leaseLost(tokens.key(), 2);
    metrics.storeFailed(tokens.key(), new TokenStoreException("down"));
    metrics.foreignFetchSuspected(tokens.key(), 2);

    List<String> names = registry.getMeters().stream().map(meter -> meter.getId().getName()).sorted().toList();
    assertThat(names).containsExactly(CtcTokenMetrics.ADOPTED, CtcTokenMetrics.EXPIRY, CtcTokenMetrics.FETCH,
        CtcTokenMetrics.FOREIGN_FETCH, CtcTokenMetrics.LEASE_LOST, CtcTokenMetrics.RATE_LIMITED,
        CtcTokenMetrics.REJECTED, CtcTokenMetrics.STORE_FAILURES, CtcTokenMetrics.VERSION);
    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank());
    assertThat(registry.get(CtcTokenMetrics.EXPIRY).gauge().getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(registry.get(CtcTokenMetrics.FETCH).functionTimer().baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);
    assertThat(registry.get(CtcTokenMetrics.FETCH).functionTimer().getId().getType()).isEqualTo(Meter.Type.TIMER);
  }

  @Test
  void commonTagsGoOnEveryMeterAndMayNotReplaceOurs() {
    CtcTokenMetrics tagged = CtcTokenMetrics.builder().tags("application", "billing").build();
    try (TokenManager tokens = manager(server).listener(tagged).build()) {
      tagged.bindTo(registry);
      tagged.monitor(tokens);
      tokens.token();

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(registry.find(CtcTokenMetrics.FETCH).functionTimer())
          .isNotNull());
      assertThat(registry.getMeters()).allSatisfy(meter ->
          assertThat(meter.getId().getTags()).contains(Tag.of("application", "billing")));
    } finally {
      tagged.close();
    }

    assertThatThrownBy(() -> CtcTokenMetrics.builder().tags("client", "mine"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'client'");
    assertThatThrownBy(() -> CtcTokenMetrics.builder().tags((Iterable<Tag>) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> metrics.monitor(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> metrics.bindTo(null)).isInstanceOf(NullPointerException.class);
  }

  /** Calls the fake API with {@code token}, as an application would; returns the HTTP status. */
  private int callApi(AccessToken token) throws IOException, InterruptedException {
    HttpResponse<Void> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.protectedUri())
        .header("Authorization", "Bearer " + token.value()).build(), HttpResponse.BodyHandlers.discarding());
    return reply.statusCode();
  }

  /** Every meter's measurements by id, leaving out the expiry gauge, which moves with time by design. */
  private static Map<String, List<Double>> values(MeterRegistry registry) {
    Map<String, List<Double>> values = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      if (!meter.getId().getName().equals(CtcTokenMetrics.EXPIRY)) {
        List<Double> measured = new ArrayList<>();
        meter.measure().forEach(measurement -> measured.add(measurement.getValue()));
        values.put(meter.getId().toString(), measured);
      }
    }
    return values;
  }
}
