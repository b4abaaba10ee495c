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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
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
 * and wait for leases, settling and rejection intervals to run out by re-reading the store, never by
 * assuming the store's clock runs in step with this JVM's.
 *
 * <p>Lease ids are the store's own random values, so leases are compared field by field, and a lease
 * "forged" by a test ({@link #forgedLease}) differs from every granted one in its id alone if need be.
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

    LeaseRequest request = LeaseRequest.scheduled(key, 0, "node-a", LONG_LEASE);

    Optional<RenewalLease> lease = join(store.tryLease(request));

    assertThat(lease).isPresent();
    assertGrantedFor(lease.get(), request);
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
    assertThat(row.isSettling()).isFalse();
    assertThat(row.fetchedAgo()).as("no token was published yet").isZero();
    assertThat(row.rejectionFetchAgo()).as("a scheduled lease is no rejection-triggered one").isEmpty();
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
    LeaseRequest request = LeaseRequest.scheduled(key, 1, "node-b", LONG_LEASE);
    assertGrantedFor(join(store.tryLease(request)).orElseThrow(), request);
  }

  // ---------------------------------------------------------------------------------------------
  // lease identity

  @Test
  void everyGrantCarriesAFreshIdOfItsOwn() {
    Set<String> ids = new HashSet<>();
    List<RenewalLease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(lease(newKey(), 0, "node-a", LONG_LEASE).orElseThrow());
    }
    TokenKey key = newKey();
    for (int i = 0; i < 4; i++) {
      RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
      leases.add(lease);
      join(store.releaseAfterFailure(lease, FetchFailure.known("transport", Duration.ZERO)));
    }

    for (RenewalLease lease : leases) {
      assertThat(lease.id()).isNotBlank().hasSizeLessThanOrEqualTo(RenewalLease.MAX_ID_LENGTH);
      ids.add(lease.id());
    }
    assertThat(ids).as("ids of %s grants, four of them to one owner on one key", leases.size()).hasSize(leases.size());
  }

  @Test
  void publishOrReleaseWithTheHoldersOwnerAndVersionButAnotherLeaseIdIsFencedAndChangesNothing() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    RenewalLease sameNameOtherGrant = forgedLease(key, 0, "node-a");

    assertThat(publish(sameNameOtherGrant, newToken(), "Bearer")).isEmpty();
    join(store.releaseAfterFailure(sameNameOtherGrant, FetchFailure.known("transport", Duration.ofSeconds(20))));

    assertUnchangedAndLeasedBy(key, 0, "node-a");
    assertThat(read(key).orElseThrow().lastError()).as("the release did nothing").isEmpty();
    assertThat(publish(lease, newToken(), "Bearer")).as("the real lease still works").isPresent();
  }

  /**
   * Two nodes configured with one {@code nodeId}: the first one's lease runs out, the second (same
   * name) takes the next lease. The first must neither publish nor release under the second's lease.
   */
  @Test
  void aNodeWhoseLeaseRanOutCannotUseTheLeaseOfAnotherNodeOfTheSameName() {
    TokenKey key = newKey();
    String kept = newToken();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), kept, "Bearer").orElseThrow();
    RenewalLease stalled = lease(key, 1, "node-a", SHORT_LEASE).orElseThrow();
    awaitLeaseRunOut(key);
    TokenStore twin = node();
    RenewalLease current = join(twin.tryLease(LeaseRequest.scheduled(key, 1, "node-a", LONG_LEASE))).orElseThrow();
    assertThat(current.id()).isNotEqualTo(stalled.id());

    assertThat(publish(stalled, newToken(), "Bearer")).as("publish under the twin's lease").isEmpty();
    join(store.releaseAfterFailure(stalled, new FetchFailure("transport", Duration.ofSeconds(20), Duration.ofSeconds(60))));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.value()).contains(kept);
    assertThat(row.leaseOwner()).contains("node-a");
    assertAbout(row.leaseExpiresIn(), LONG_LEASE);
    assertThat(row.lastError()).as("the stalled node's release did nothing").isEmpty();
    assertThat(row.isSettling()).isFalse();
    String token = newToken();
    assertThat(join(twin.publish(current, fresh(token, "Bearer"))).map(StoredToken::version)).contains(2L);
    assertThat(read(key).orElseThrow().value()).contains(token);
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
  void publishStoresTheLeasesNextVersionEvenWhenItJumpsAhead() {
    TokenKey key = newKey();
    LeaseRequest request = LeaseRequest.scheduled(key, 0, "node-a", LONG_LEASE).publishingAtLeast(41);
    RenewalLease lease = join(store.tryLease(request)).orElseThrow();
    assertGrantedFor(lease, request);
    assertThat(lease.nextVersion()).isEqualTo(41);

    assertThat(publish(lease, newToken(), "Bearer").map(StoredToken::version)).contains(41L);

    assertThat(read(key).orElseThrow().version()).isEqualTo(41);
    assertThat(lease(key, 1, "node-b", LONG_LEASE)).as("seen + 1 is not the stored version").isEmpty();
    RenewalLease next = lease(key, 41, "node-b", LONG_LEASE).orElseThrow();
    assertThat(next.nextVersion()).isEqualTo(42);
    assertThat(publish(next, newToken(), "Bearer").map(StoredToken::version)).contains(42L);
  }

  @Test
  void readTellsHowLongAgoTheTokenWasPublished() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    publish(lease, newToken(), "Bearer").orElseThrow();

    StoredToken first = read(key).orElseThrow();
    StoredToken second = read(key).orElseThrow();

    assertThat(first.fetchedAgo()).isGreaterThanOrEqualTo(Duration.ZERO);
    assertAbout(first.fetchedAgo(), Duration.ZERO);
    assertThat(second.fetchedAgo()).as("by the store's clock, which does not run back").isGreaterThanOrEqualTo(first.fetchedAgo());
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
    RenewalLease staleVersion = new RenewalLease(key, "node-a", lease.id(), 4, 5, LONG_LEASE);

    assertThat(publish(staleVersion, newToken(), "Bearer")).isEmpty();

    assertUnchangedAndLeasedBy(key, 0, "node-a");
    assertThat(publish(lease, newToken(), "Bearer")).as("the real lease still works").isPresent();
  }

  @Test
  void publishByAnOwnerOtherThanTheLeaseHolderIsFencedAndChangesNothing() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    RenewalLease forged = forgedLease(key, 0, "node-b");
    RenewalLease otherCase = forgedLease(key, 0, "NODE-A");

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
  void aFailureOfKnownOutcomeDoesNotSettleTheFleet() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();

    join(store.releaseAfterFailure(lease, FetchFailure.known("transport:503", Duration.ofSeconds(20))));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.isSettling()).isFalse();
    assertThat(row.settleIn()).isLessThanOrEqualTo(Duration.ZERO);
    assertThat(join(node().tryLease(LeaseRequest.afterRejection(key, 0, "node-b", LONG_LEASE, Duration.ZERO))))
        .as("a lease after a rejection may go before the backoff").isPresent();
  }

  @Test
  void afterAFetchOfUnknownOutcomeNoLeaseAtAllIsGrantedWhileTheFleetSettles() {
    TokenKey key = newKey();
    String kept = newToken();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), kept, "Bearer").orElseThrow();
    RenewalLease lease = lease(key, 1, "node-a", LONG_LEASE).orElseThrow();

    join(store.releaseAfterFailure(lease, new FetchFailure("transport:timeout", Duration.ofSeconds(5), Duration.ofSeconds(40))));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.isLeased()).isFalse();
    assertThat(row.isSettling()).isTrue();
    assertAbout(row.settleIn(), Duration.ofSeconds(40));
    assertAbout(row.nextAttemptIn(), Duration.ofSeconds(5));
    assertThat(row.lastError()).contains("transport:timeout");
    assertThat(row.value()).contains(kept);
    TokenStore other = node();
    assertThat(join(other.tryLease(LeaseRequest.scheduled(key, 1, "node-b", LONG_LEASE)))).as("scheduled").isEmpty();
    assertThat(join(other.tryLease(LeaseRequest.afterRejection(key, 1, "node-b", LONG_LEASE, Duration.ZERO))))
        .as("after a rejection, without a rate limit").isEmpty();
    assertThat(lease(key, 1, "node-a", LONG_LEASE)).as("the node that failed").isEmpty();
    StoredToken after = read(key).orElseThrow();
    assertThat(after.isLeased()).isFalse();
    assertThat(after.rejectionFetchAgo()).as("a refused lease records nothing").isEmpty();
  }

  @Test
  void theFleetSettlesByTheStoresClockAndAPublishThenClearsTheFailure() {
    TokenKey key = newKey();
    RenewalLease failed = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    join(store.releaseAfterFailure(failed, new FetchFailure("transport:reset", Duration.ofSeconds(20), SHORT_LEASE)));

    awaitRow(key, row -> !row.isSettling(), "the fleet has settled");

    RenewalLease lease = lease(key, 0, "node-b", LONG_LEASE).orElseThrow();
    StoredToken published = publish(lease, newToken(), "Bearer").orElseThrow();
    for (StoredToken row : List.of(published, read(key).orElseThrow())) {
      assertThat(row.isSettling()).isFalse();
      assertThat(row.settleIn()).isLessThanOrEqualTo(Duration.ZERO);
      assertThat(row.lastError()).isEmpty();
      assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
    }
  }

  @Test
  void theFirstLeaseAfterARejectionIsGrantedAndRecordedForTheFleet() {
    TokenKey key = newKey();
    publish(lease(key, 0, "node-a", LONG_LEASE).orElseThrow(), newToken(), "Bearer").orElseThrow();
    assertThat(read(key).orElseThrow().rejectionFetchAgo()).as("scheduled leases record nothing").isEmpty();
    LeaseRequest request = LeaseRequest.afterRejection(key, 1, "node-a", LONG_LEASE, Duration.ofHours(1));

    RenewalLease lease = join(store.tryLease(request)).orElseThrow();

    assertGrantedFor(lease, request);
    Duration ago = read(key).orElseThrow().rejectionFetchAgo().orElseThrow();
    assertThat(ago).isGreaterThanOrEqualTo(Duration.ZERO);
    assertAbout(ago, Duration.ZERO);
  }

  @Test
  void aSecondLeaseAfterARejectionWithinTheIntervalIsHeldBackOnEveryNodeButScheduledOnesAreNot() {
    TokenKey key = newKey();
    Duration interval = Duration.ofHours(1);
    RenewalLease first = join(store.tryLease(LeaseRequest.afterRejection(key, 0, "node-a", LONG_LEASE, interval))).orElseThrow();
    publish(first, newToken(), "Bearer").orElseThrow();
    Duration recorded = read(key).orElseThrow().rejectionFetchAgo().orElseThrow();
    TokenStore other = node();

    assertThat(join(other.tryLease(LeaseRequest.afterRejection(key, 1, "node-b", LONG_LEASE, interval)))).as("another node").isEmpty();
    assertThat(join(store.tryLease(LeaseRequest.afterRejection(key, 1, "node-a", LONG_LEASE, interval)))).as("the same node").isEmpty();
    assertThat(read(key).orElseThrow().isLeased()).isFalse();

    RenewalLease scheduled = join(other.tryLease(LeaseRequest.scheduled(key, 1, "node-b", LONG_LEASE))).orElseThrow();
    Duration kept = read(key).orElseThrow().rejectionFetchAgo().orElseThrow();
    assertThat(kept).as("a scheduled lease keeps the latest rejection-triggered fetch").isGreaterThanOrEqualTo(recorded);
    assertAbout(kept, recorded);
    join(other.releaseAfterFailure(scheduled, FetchFailure.known("transport:503", Duration.ZERO)));
    assertThat(join(other.tryLease(LeaseRequest.afterRejection(key, 1, "node-b", LONG_LEASE, interval))))
        .as("still within the interval after the scheduled lease").isEmpty();
    assertThat(join(other.tryLease(LeaseRequest.afterRejection(key, 1, "node-b", LONG_LEASE, Duration.ZERO))))
        .as("an interval of zero sets no limit").isPresent();
  }

  @Test
  void theRejectionIntervalRunsByTheStoresClock() {
    TokenKey key = newKey();
    Duration interval = SHORT_LEASE;
    RenewalLease first = join(store.tryLease(LeaseRequest.afterRejection(key, 0, "node-a", LONG_LEASE, interval))).orElseThrow();
    join(store.releaseAfterFailure(first, FetchFailure.known("api:40001", Duration.ZERO)));

    awaitRow(key, row -> row.rejectionFetchAgo().orElseThrow().compareTo(interval) >= 0, "the interval has passed");

    LeaseRequest request = LeaseRequest.afterRejection(key, 0, "node-b", LONG_LEASE, interval);
    assertGrantedFor(join(node().tryLease(request)).orElseThrow(), request);
    assertAbout(read(key).orElseThrow().rejectionFetchAgo().orElseThrow(), Duration.ZERO);
  }

  @Test
  void releaseAfterFailureByANodeThatDoesNotHoldTheLeaseDoesNothing() {
    TokenKey key = newKey();
    lease(key, 0, "node-a", LONG_LEASE).orElseThrow();

    join(store.releaseAfterFailure(forgedLease(key, 0, "node-b"), FetchFailure.known("transport", Duration.ofSeconds(20))));

    StoredToken row = read(key).orElseThrow();
    assertThat(row.leaseOwner()).contains("node-a");
    assertThat(row.lastError()).isEmpty();
    assertThat(row.nextAttemptIn()).isLessThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void releaseAfterFailureOnAnUnknownKeyDoesNothing() {
    TokenKey key = newKey();

    join(store.releaseAfterFailure(forgedLease(key, 0, "node-a"), FetchFailure.known("transport", Duration.ofSeconds(20))));

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
    assertThat(publish(new RenewalLease(second, "node-a", firstLease.id(), 0, 1, LONG_LEASE), newToken(), "Bearer"))
        .as("the first key's lease cannot publish on the second").isEmpty();

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
  // cancelled calls

  /**
   * A caller may cancel a stage it gave up on; the store then skips the call or aborts it, and either
   * way the call happened wholly or not at all: the row is never half written, and the store goes on.
   */
  @Test
  void aCancelledPublishHappensWhollyOrNotAtAllAndTheStoreGoesOn() {
    TokenKey key = newKey();
    RenewalLease lease = lease(key, 0, "node-a", LONG_LEASE).orElseThrow();
    String cancelledToken = newToken();
    String laterToken = newToken();
    CompletableFuture<Optional<StoredToken>> cancelled = store.publish(lease, fresh(cancelledToken, "Bearer")).toCompletableFuture();
    CompletableFuture<Optional<StoredToken>> cancelledRead = store.read(key).toCompletableFuture();

    cancelled.cancel(true);
    cancelledRead.cancel(true);

    Optional<StoredToken> later = publish(lease, laterToken, "Bearer");
    StoredToken row = read(key).orElseThrow();
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.isLeased()).isFalse();
    assertThat(row.value()).as("the later publish stored its token exactly when the cancelled one did not")
        .contains(later.isPresent() ? laterToken : cancelledToken);
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

  /** Re-reads the row until {@code condition} holds for it, by the store's own clock. */
  protected final StoredToken awaitRow(TokenKey key, Predicate<StoredToken> condition, String description) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      StoredToken row = read(key).orElseThrow();
      if (condition.test(row)) {
        return row;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("%s: not so after 20 s: %s", description, row);
      }
      sleep(20);
    }
  }

  /** A lease no store granted: {@code owner} on {@code seenVersion} of {@code key}, with an id of the test's. */
  protected static RenewalLease forgedLease(TokenKey key, long seenVersion, String owner) {
    return RenewalLease.granted(LeaseRequest.scheduled(key, seenVersion, owner, LONG_LEASE), "forged-" + UUID.randomUUID());
  }

  /** Asserts {@code lease} is what a store grants for {@code request}: its fields, and an id of the store's. */
  protected static void assertGrantedFor(RenewalLease lease, LeaseRequest request) {
    assertThat(lease.key()).as("key").isEqualTo(request.key());
    assertThat(lease.owner()).as("owner").isEqualTo(request.owner());
    assertThat(lease.seenVersion()).as("seenVersion").isEqualTo(request.seenVersion());
    assertThat(lease.nextVersion()).as("nextVersion").isEqualTo(request.nextVersion());
    assertThat(lease.duration()).as("duration").isEqualTo(request.duration());
    assertThat(lease.id()).as("id").isNotBlank().hasSizeLessThanOrEqualTo(RenewalLease.MAX_ID_LENGTH)
        .doesNotStartWith("forged-");
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
