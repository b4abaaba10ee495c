package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.FreshToken;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link TokenStore} must show, written once and run against each store.
 *
 * <p>A store's test extends this class and implements {@link #createStore()}; see
 * {@code InMemoryTokenStoreContractTest} for the smallest example. Every test works on keys of its
 * own ({@link #newKey()}), so tests may run in parallel against one shared database table. The suite
 * takes a few seconds, most of it in {@link #concurrentRenewalsKeepLeasesExclusiveAndFencePublishes}.
 *
 * <p>Times: a store measures every time with its own clock (a database's, typically) and returns
 * durations. The checks allow {@link #timeTolerance()} between what was asked and what is read back,
 * and wait for leases to run out by re-reading the store, never by assuming the store's clock runs in
 * step with this JVM's.
 */
public abstract class TokenStoreContractTest {

  /** A lease long enough never to run out during a test. */
  protected static final Duration LONG_LEASE = Duration.ofSeconds(30);

  /** A lease short enough to wait for its end. */
  protected static final Duration SHORT_LEASE = Duration.ofMillis(300);

  private static final Duration LIFETIME = Duration.ofSeconds(3600);
  private static final Duration REMAINING = Duration.ofSeconds(3000);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final String TOKEN_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<TokenStore> created = new ArrayList<>();

  /** The store under test, created before each test by {@link #createStore()}. */
  protected TokenStore store;

  /**
   * A new store over the shared data of this test class: every store it returns must see the same
   * rows, as nodes sharing one database do (an in-memory store returns the same instance each time).
   * Called once before each test, and again by tests that simulate several nodes. The base class
   * closes every store it got from here after each test.
   */
  protected abstract TokenStore createStore();

  /**
   * How far a duration read back may be from the one stored. Covers the time between the calls and
   * the store clock's resolution; override for a store on a slow remote database.
   */
  protected Duration timeTolerance() {
    return Duration.ofSeconds(2);
  }

  /** A key no other test uses, so tests stay independent when they share a table. */
  protected TokenKey newKey() {
    return new TokenKey("contract.test.invalid:443", "client-" + UUID.randomUUID());
  }

  @BeforeEach
  final void createStoreUnderTest() {
    store = node();
  }

  @AfterEach
  final void closeStores() {
    for (TokenStore each : created) {
      each.close();
    }
    created.clear();
  }

  /** Another node's view of the same data; closed after the test. */
  protected final TokenStore node() {
    TokenStore node = createStore();
    assertThat(node).as("createStore()").isNotNull();
    created.add(node);
    return node;
  }

  // ---------------------------------------------------------------------------------------------
  // read and lease

  @Test
  void readOfUnknownKeyIsEmpty() {
    assertThat(read(newKey())).isEmpty();
  }

  @Test
  void firstLeaseOnVersionZeroCreatesTheRowAndIsGranted() {
    TokenKey key = newKey();

    Optional<RenewalLease> lease = lease(key, 0, "node-a", LONG_LEASE);

    assertThat(lease).contains(RenewalLease.granted(LeaseRequest.scheduled(key, 0, "node-a", LONG_LEASE), "forged-lease-id"));
    StoredToken row = read(key).orElseThrow();
    assertThat(row.key()).isEqualTo(key);
    assertThat(row.version()).isZero();
    assertThat(row.value()).isEmpty();
    assertThat(row.hasValidToken()).isFalse();
    assertThat(row.isLeased()).isTrue();
    assertThat(row.leaseOwner()).contains("node-a");
    assertAbout(row.leaseExpiresIn(), LONG_LEASE);
    assertThat(row.lastError()).isEmpty();
    assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void leaseOnUnknownKeyWithAVersionOtherThanZeroIsRefusedAndCreatesNothing() {
    TokenKey key = newKey();

    assertThat(lease(key, 3, "node-a", LONG_LEASE)).isEmpty();
    assertThat(read(key)).isEmpty();
  }

  @Test
  void secondLeaseWhileOneIsLiveIsRefusedForAnyOwner() {
    TokenKey key = newKey();
    RenewalLease first = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();

    assertThat(lease(key, 0, "node-b", LONG_LEASE)).as("other owner").isEmpty();
    assertThat(lease(key, 0, "node-a", LONG_LEASE)).as("same owner again").isEmpty();

    publish(first, newToken(), "Bearer").orElseThrow();
    lease(key, 1, "node-b", LONG_LEASE).orElseThrow();
    assertThat(lease(key, 1, "node-a", LONG_LEASE)).as("other owner, version 1").isEmpty();
    assertThat(lease(key, 1, "node-b", LONG_LEASE)).as("same owner again, version 1").isEmpty();
    assertThat(read(key).orElseThrow().leaseOwner()).contains("node-b");
  }

  @Test
  void leaseIsGrantedOnlyWhenTheSeenVersionIsTheStoredOne() {
    TokenKey key = newKey();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), newToken(), "Bearer").orElseThrow();

    assertThat(lease(key, 0, "node-b", LONG_LEASE)).as("older version").isEmpty();
    assertThat(lease(key, 2, "node-b", LONG_LEASE)).as("version from the future").isEmpty();
    assertThat(read(key).orElseThrow().isLeased()).isFalse();
    assertThat(lease(key, 1, "node-b", LONG_LEASE)).contains(RenewalLease.granted(LeaseRequest.scheduled(key, 1, "node-b", LONG_LEASE), "forged-lease-id"));
  }

  // ---------------------------------------------------------------------------------------------
  // publish

  @Test
  void publishUnderALiveLeaseStoresTheNextVersionAndFreesTheLease() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    String token = newToken();

    StoredToken published = publish(lease, token, "bearer").orElseThrow();

    for (StoredToken row : List.of(published, read(key).orElseThrow())) {
      assertThat(row.key()).isEqualTo(key);
      assertThat(row.version()).isEqualTo(1);
      assertThat(row.value()).contains(token);
      assertThat(row.type()).isEqualTo("bearer");
      assertAbout(row.expiresIn(), REMAINING);
      assertThat(row.lifetime()).isEqualTo(LIFETIME);
      assertThat(row.hasValidToken()).isTrue();
      assertThat(row.isLeased()).isFalse();
      assertThat(row.leaseOwner()).isEmpty();
      assertThat(row.lastError()).isEmpty();
      assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
    }
  }

  @Test
  void publishedTokenIsSeenByEveryNode() {
    TokenKey key = newKey();
    String token = newToken();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), token, "Bearer").orElseThrow();

    StoredToken seenElsewhere = join(node().read(key)).orElseThrow();

    assertThat(seenElsewhere.version()).isEqualTo(1);
    assertThat(seenElsewhere.value()).contains(token);
    assertAbout(seenElsewhere.expiresIn(), REMAINING);
  }

  @Test
  void publishClearsTheLastError() {
    TokenKey key = newKey();
    RenewalLease failed = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    join(store.releaseAfterFailure(failed, FetchFailure.known("transport:503", Duration.ofSeconds(20))));
    assertThat(read(key).orElseThrow().lastError()).contains("transport:503");

    publish(lease(key, 0, "node-b", LONG_LEASE).orElseThrow(), newToken(), "Bearer").orElseThrow();

    StoredToken row = read(key).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.lastError()).isEmpty();
    assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void publishWithAVersionOtherThanTheStoredOneIsFencedAndChangesNothing() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    RenewalLease staleVersion = RenewalLease.granted(LeaseRequest.scheduled(key, 4, "node-a", LONG_LEASE), "forged-lease-id");

    assertThat(publish(staleVersion, newToken(), "Bearer")).isEmpty();

    assertUnchangedAndLeasedBy(key, 0, "node-a");
    assertThat(publish(lease, newToken(), "Bearer")).as("the real lease still works").isPresent();
  }

  @Test
  void publishByAnOwnerOtherThanTheLeaseHolderIsFencedAndChangesNothing() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    RenewalLease forged = RenewalLease.granted(LeaseRequest.scheduled(key, 0, "node-b", LONG_LEASE), "forged-lease-id");
    RenewalLease otherCase = RenewalLease.granted(LeaseRequest.scheduled(key, 0, "NODE-A", LONG_LEASE), "forged-lease-id");

    assertThat(publish(forged, newToken(), "Bearer")).isEmpty();
    assertThat(publish(otherCase, newToken(), "Bearer")).as("owner names are case-sensitive").isEmpty();

    assertUnchangedAndLeasedBy(key, 0, "node-a");
    assertThat(publish(lease, newToken(), "Bearer")).as("the real lease still works").isPresent();
  }

  @Test
  void publishAfterTheLeaseRanOutIsFencedEvenIfNobodyElseTookIt() {
    TokenKey key = newKey();
    String kept = newToken();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), kept, "Bearer").orElseThrow();
    RenewalLease lease = lease(key, 1, "node-a", SHORT_LEASE).orElseThrow();
    awaitLeaseRunOut(key);

    assertThat(publish(lease, newToken(), "Bearer")).isEmpty();

    StoredToken row = read(key).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.value()).contains(kept);
  }

  @Test
  void leaseThatRanOutCanBeTakenByAnotherNodeAndTheLateOwnerIsFenced() {
    TokenKey key = newKey();
    RenewalLease late = lease(key, 0, "node-a", SHORT_LEASE).orElseThrow();
    awaitLeaseRunOut(key);
    TokenStore other = node();

    RenewalLease taken = join(other.tryLease(LeaseRequest.scheduled(key, 0, "node-b", LONG_LEASE))).orElseThrow();

    assertThat(publish(late, newToken(), "Bearer")).as("late owner").isEmpty();
    String token = newToken();
    assertThat(join(other.publish(taken, fresh(token, "Bearer"))).map(StoredToken::version)).contains(1L);
    assertThat(read(key).orElseThrow().value()).contains(token);
  }

  // ---------------------------------------------------------------------------------------------
  // failures

  @Test
  void releaseAfterFailureRecordsTheErrorAndBackoffAndFreesTheLease() {
    TokenKey key = newKey();
    String kept = newToken();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), kept, "Bearer").orElseThrow();
    RenewalLease lease = lease(key, 1, "node-a", LONG_LEASE).orElseThrow();
    Duration retryAfter = Duration.ofSeconds(20);

    join(store.releaseAfterFailure(lease, FetchFailure.known("api:40001", retryAfter)));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.isLeased()).isFalse();
    assertThat(row.lastError()).contains("api:40001");
    assertAbout(row.nextAttemptIn(), retryAfter);
    assertThat(row.version()).as("a failure publishes nothing").isEqualTo(1);
    assertThat(row.value()).contains(kept);
    assertThat(lease(key, 1, "node-b", LONG_LEASE)).as("the lease is free again").isPresent();
  }

  @Test
  void releaseAfterFailureByANodeThatDoesNotHoldTheLeaseDoesNothing() {
    TokenKey key = newKey();
    lease(key, 0, "node-a", LONG_LEASE).orElseThrow();

    join(store.releaseAfterFailure(RenewalLease.granted(LeaseRequest.scheduled(key, 0, "node-b", LONG_LEASE), "forged-lease-id"), FetchFailure.known("transport", Duration.ofSeconds(20))));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.leaseOwner()).contains("node-a");
    assertThat(row.lastError()).isEmpty();
    assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void releaseAfterFailureOnAnUnknownKeyDoesNothing() {
    TokenKey key = newKey();

    join(store.releaseAfterFailure(RenewalLease.granted(LeaseRequest.scheduled(key, 0, "node-a", LONG_LEASE), "forged-lease-id"), FetchFailure.known("transport", Duration.ofSeconds(20))));

    assertThat(read(key)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // invariants

  @Test
  void tokenValueNeverAppearsInToString() {
    TokenKey key = newKey();
    String token = newToken();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    StoredToken published = publish(lease, token, "Bearer").orElseThrow();
    StoredToken read = read(key).orElseThrow();

    assertThat(List.of(published.toString(), read.toString(), lease.toString(), store.toString()))
        .allSatisfy(text -> assertThat(text).doesNotContain(token).doesNotContain(token.substring(0, 32)));
  }

  @Test
  void versionsOnlyGrow() {
    TokenKey key = newKey();
    long last = 0;
    for (int round = 0; round < 4; round++) {
      RenewalLease failed = lease(key, last, "node-a", LONG_LEASE).orElseThrow();
      join(store.releaseAfterFailure(failed, FetchFailure.known("transport", Duration.ZERO)));
      assertThat(read(key).orElseThrow().version()).as("after a failure").isEqualTo(last);

      StoredToken row = publish(lease(key, last, "node-b", LONG_LEASE).orElseThrow(), newToken(), "Bearer").orElseThrow();
      assertThat(row.version()).isEqualTo(last + 1);
      last = row.version();
      for (long older = 0; older < last; older++) {
        assertThat(lease(key, older, "node-c", LONG_LEASE)).as("lease on old version %s", older).isEmpty();
      }
    }
    assertThat(read(key).orElseThrow().version()).isEqualTo(4);
  }

  @Test
  void keysAreIndependent() {
    TokenKey first = newKey();
    TokenKey second = newKey();
    RenewalLease firstLease = lease(first, 0, "node-a", LONG_LEASE).orElseThrow();

    RenewalLease secondLease = lease(second, 0, "node-b", LONG_LEASE).orElseThrow();
    String firstToken = newToken();
    publish(firstLease, firstToken, "Bearer").orElseThrow();

    StoredToken secondRow = read(second).orElseThrow();
    assertThat(secondRow.version()).isZero();
    assertThat(secondRow.value()).isEmpty();
    assertThat(secondRow.leaseOwner()).contains("node-b");
    assertThat(publish(RenewalLease.granted(LeaseRequest.scheduled(second, 0, "node-a", LONG_LEASE), "forged-lease-id"), newToken(), "Bearer"))
        .as("the first key's owner cannot publish on the second").isEmpty();

    String secondToken = newToken();
    publish(secondLease, secondToken, "Bearer").orElseThrow();
    assertThat(read(first).orElseThrow().value()).contains(firstToken);
    assertThat(read(second).orElseThrow().value()).contains(secondToken);
  }

  @Test
  void keysWhoseClientIdsDifferOnlyInCaseAreIndependent() {
    TokenKey lower = newKey();
    TokenKey upper = new TokenKey(lower.endpointAuthority(), lower.clientId().toUpperCase(Locale.ROOT));
    String lowerToken = newToken();
    publish(lease(lower, 0, "node-a", LONG_LEASE).orElseThrow(), lowerToken, "Bearer").orElseThrow();

    assertThat(read(upper)).isEmpty();
    RenewalLease upperLease = lease(upper, 0, "node-b", LONG_LEASE).orElseThrow();
    String upperToken = newToken();
    assertThat(publish(upperLease, upperToken, "Bearer").map(StoredToken::version)).contains(1L);

    assertThat(read(lower).orElseThrow().value()).contains(lowerToken);
    assertThat(read(upper).orElseThrow().value()).contains(upperToken);
  }

  // ---------------------------------------------------------------------------------------------
  // concurrency

  /**
   * Several nodes' threads race read, lease and publish on one key; some hold their lease past its
   * end on purpose. Checks lease exclusivity, fencing and the version sequence.
   */
  @Test
  @Timeout(120)
  void concurrentRenewalsKeepLeasesExclusiveAndFencePublishes() throws Exception {
    TokenKey key = newKey();
    List<TokenStore> nodes = List.of(store, node(), node(), node());

    TokenStoreFuzzer.Outcome outcome = new TokenStoreFuzzer(key, nodes, 8, Duration.ofMillis(150), Duration.ofMillis(1500))
        .run();

    assertThat(outcome.errors()).as("errors in racing threads").isEmpty();
    assertThat(outcome.overlappingGrants()).as("leases granted while another was surely live").isEmpty();
    assertThat(outcome.latePublishesAccepted()).as("publishes accepted after their lease surely ran out").isEmpty();
    assertThat(outcome.livePublishesRefused()).as("publishes refused while their lease was surely live").isEmpty();
    assertThat(outcome.publishedVersions()).as("each publish got its seen version + 1, no version twice")
        .containsExactlyElementsOf(range(1, outcome.publishedVersions().size()));
    assertThat(outcome.publishedVersions()).as("publishes").isNotEmpty();
    assertThat(outcome.overstays()).as("leases held past their end").isPositive();

    StoredToken last = read(key).orElseThrow();
    assertThat(last.version()).as("final version = successful publishes").isEqualTo(outcome.publishedVersions().size());
    assertThat(last.value()).contains(outcome.lastPublishedToken());
  }

  // ---------------------------------------------------------------------------------------------
  // helpers for subclasses

  /** A fresh random b64token of {@code length} characters. */
  protected static String newToken(int length) {
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(TOKEN_CHARS.charAt(RANDOM.nextInt(TOKEN_CHARS.length())));
    }
    return token.toString();
  }

  /** A fresh random token as long as the seed's sample (about 790 characters). */
  protected static String newToken() {
    return newToken(790);
  }

  /** A fresh token as the manager hands it over: 3600 s lifetime, 3000 s of it left. */
  protected static FreshToken fresh(String value, String type) {
    return new FreshToken(value, type, LIFETIME, REMAINING);
  }

  /** Waits for a stage, failing the test instead of hanging, and rethrows its failure unwrapped. */
  protected static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("store call did not complete within " + CALL_TIMEOUT, e);
    }
  }

  protected final Optional<StoredToken> read(TokenKey key) {
    return join(store.read(key));
  }

  protected final Optional<RenewalLease> lease(TokenKey key, long seenVersion, String owner, Duration duration) {
    return join(store.tryLease(LeaseRequest.scheduled(key, seenVersion, owner, duration)));
  }

  protected final Optional<StoredToken> publish(RenewalLease lease, String token, String type) {
    return join(store.publish(lease, fresh(token, type)));
  }

  /** Re-reads the row until the store's own clock says its lease has run out. */
  protected final StoredToken awaitLeaseRunOut(TokenKey key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      StoredToken row = read(key).orElseThrow();
      if (!row.isLeased()) {
        return row;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("the lease of %s is still live after 20 s: %s", key, row);
      }
      sleep(Math.max(5, Math.min(50, row.leaseExpiresIn().toMillis())));
    }
  }

  /** Asserts {@code actual} is within {@link #timeTolerance()} of {@code expected}. */
  protected final void assertAbout(Duration actual, Duration expected) {
    assertThat(actual).isBetween(expected.minus(timeTolerance()), expected.plus(timeTolerance()));
  }

  private void assertUnchangedAndLeasedBy(TokenKey key, long version, String owner) {
    StoredToken row = read(key).orElseThrow();
    assertThat(row.version()).isEqualTo(version);
    assertThat(row.value()).isEmpty();
    assertThat(row.leaseOwner()).contains(owner);
  }

  private static List<Long> range(long from, int count) {
    List<Long> values = new ArrayList<>(count);
    for (long v = from; v < from + count; v++) {
      values.add(v);
    }
    return values;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
