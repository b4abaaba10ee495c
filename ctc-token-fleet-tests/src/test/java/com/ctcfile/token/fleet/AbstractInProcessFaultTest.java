package com.ctcfile.token.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.core.TokenManagerBuilder;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenEventListener.FetchReason;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import com.ctcfile.token.testkit.FakeCtcServer;
import com.ctcfile.token.testkit.Fault;
import com.ctcfile.token.testkit.FaultInjectingDataSource;
import com.ctcfile.token.testkit.FaultInjectingDataSource.StoreStatement;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ordinary faults of docs/ARCHITECTURE.md ("The fleet protocol") on fleets of managers in this
 * JVM sharing one database table, each node with its own pool, store, transport and callers
 * ({@link InProcessNode}): a publish that fails, a fetch that times out and is answered late, two
 * nodes with one {@code nodeId}, a row whose version is set back or restored from a backup, a token
 * fetched outside the fleet, and lifetimes that change between fetches. One concrete subclass per
 * database.
 *
 * <p>Every test drives API calls through the HttpClient 5 bearer integration against the
 * {@link FakeCtcServer}'s protected endpoint, so 401s and their one replay are real, and asserts: no
 * call fails after the replay outside the fault's documented window (each test defines it), fetches
 * within the documented bound, versions handed out never go backwards, and no thread the library
 * started for a node survives its {@code close()}. The one wall-clock bound asserted is the recovery
 * the fleet protocol promises, measured from the fault to the fleet holding (store and every node) a
 * token the server accepts; each test writes its figures to {@code target/fleet-figures.txt}.
 */
abstract class AbstractInProcessFaultTest extends FleetTestBase {

  static final Duration RECOVERY_BOUND = Duration.ofSeconds(2);
  private static final Duration PACE = Duration.ofMillis(25);
  private static final int CALLERS = 2;
  private static final Duration SETTLE_SLACK = Duration.ofMillis(50);

  // ---- a publish that fails

  /**
   * The node holding the lease fetched (the server has issued the token, every older one is dead),
   * then its fenced UPDATE meets one connection reset before reaching the database. It retries while
   * its lease lives; the fleet adopts the token. Documented window: none; bound: one fetch.
   */
  @Test
  void aPublishResetOnceIsRetriedWhileTheLeaseLivesAndTheFleetAdoptsTheToken() {
    PublishOutcome outcome = publishFault("publishResetOnce", faults -> faults.failNext(StoreStatement.PUBLISH, 1));

    assertThat(outcome.publishesSent).as("the reset publish, then its retry").isEqualTo(2);
    assertThat(outcome.publishesExecuted).isEqualTo(1);
    assertThat(outcome.fetchesForTheFault).as("fetches for the renewal that met the fault").isEqualTo(1);
    assertThat(outcome.renewer.events().fetches()).as("tokens the renewer published: the first, and this one")
        .isEqualTo(2);
  }

  /**
   * The fenced UPDATE is committed, but the connection resets before its reply arrives: the node
   * cannot tell. Its retry is fenced off, and the re-read shows its own token published: done, no
   * second fetch. Documented window: none; bound: one fetch.
   */
  @Test
  void aPublishCommittedWhoseReplyWasLostIsRecognisedWithoutASecondFetch() {
    PublishOutcome outcome = publishFault("publishReplyLost",
        faults -> faults.failNextAfterExecuting(StoreStatement.PUBLISH, 1));

    assertThat(outcome.publishesExecuted).as("the committed publish, then its fenced retry").isEqualTo(2);
    assertThat(outcome.fetchesForTheFault).isEqualTo(1);
    assertThat(outcome.renewer.events().leaseLost()).as("nothing discarded").isZero();
  }

  /**
   * Every publish attempt the lease leaves room for fails: the node releases its lease at once
   * (rather than letting it run out) and serves the token it fetched, the only valid one; another node
   * renews after the first 401, and the renewer adopts that token. Documented window: none; bound: two
   * fetches for the cycle.
   */
  @Test
  void aPublishThatKeepsFailingReleasesTheLeaseAndAnotherNodeRenewsAtOnce() {
    PublishOutcome outcome = publishFault("publishKeepsFailing", faults -> faults.failNext(StoreStatement.PUBLISH, 4));

    assertThat(outcome.publishesSent).as("publish attempts").isEqualTo(4);
    assertThat(outcome.publishesExecuted).isZero();
    assertThat(outcome.renewer.faults().executed(StoreStatement.RELEASE)).as("the lease released, not left to run out")
        .isEqualTo(1);
    assertThat(outcome.fetchesForTheFault).as("the renewer's unpublished token, and the next node's").isEqualTo(2);
    assertThat(outcome.renewer.events().fetches()).as("the renewer published only the first token").isEqualTo(1);
  }

  /** What a publish fault left: the renewer, the publishes it sent and executed from the fault on, the fetches. */
  private record PublishOutcome(InProcessNode renewer, int publishesSent, int publishesExecuted,
      int fetchesForTheFault) {}

  private PublishOutcome publishFault(String name, Consumer<FaultInjectingDataSource> arm) {
    Duration lifetime = Duration.ofSeconds(3);
    UnaryOperator<TokenManagerBuilder> times = b -> b.fetchTimeout(Duration.ofSeconds(1))
        .leaseDuration(Duration.ofSeconds(3)).storeTimeout(Duration.ofSeconds(1));
    // the renewer renews half-way; the others at 80 %, by when the renewer's token is in the store
    Fleet fleet = new Fleet(lifetime)
        .node("renewer", b -> times.apply(b).refreshAhead(lifetime.dividedBy(2)))
        .node("b", times).node("c", times).start();
    InProcessNode renewer = fleet.nodes.get(0);
    int sentBefore = renewer.faults().statements(StoreStatement.PUBLISH);
    int executedBefore = renewer.faults().executed(StoreStatement.PUBLISH);
    arm.accept(renewer.faults());

    await("the renewer's publish failing").atMost(lifetime.plusSeconds(2)).pollInterval(Duration.ofMillis(5))
        .until(() -> renewer.events().storeFailed() >= 1);
    long fault = renewer.events().firstStoreFailureNanos();
    long recovered = fleet.awaitRecoveryAfter(fault, Duration.ofSeconds(10));
    sleep(Duration.ofMillis(300)); // calls on the recovered fleet
    int fetchesForTheFault = fleet.server.fetches() - 1;
    fleet.stopAndClose();
    int sent = renewer.faults().statements(StoreStatement.PUBLISH) - sentBefore;
    int executed = renewer.faults().executed(StoreStatement.PUBLISH) - executedBefore;

    fleet.figures(name).put("recoveryMillis", millis(recovered - fault))
        .put("storeRecoveryMillis", millis(fleet.storeRecoveredAfter(fault) - fault))
        .put("fetchesForTheFault", fetchesForTheFault).put("publishesSent", sent).put("publishesExecuted", executed)
        .print();

    fleet.assertNoFailureOutside(CallLog.Window.NONE);
    fleet.assertRecoveredWithin(fault, recovered);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
    return new PublishOutcome(renewer, sent, executed, fetchesForTheFault);
  }

  // ---- a fetch that times out, answered late

  /**
   * The renewer's fetch times out; the server issues its token only when the reply is written, after
   * the client gave up, which invalidates the fleet's token. The renewer released its lease with a
   * settle period recorded in the store: nobody fetches before it ends (a token fetched sooner would
   * be killed by the late one), then the fleet renews once by itself. Documented window: from the
   * timeout until the settle ends plus the recovery bound, in which calls fail (their token was
   * invalidated, and the fleet must not fetch); after the fleet's renewal, the store never offers a
   * token the server rejects.
   */
  @Test
  void aTimedOutFetchAnsweredLateMakesTheFleetSettleThenItRecoversByItself() {
    Duration lifetime = Duration.ofSeconds(4);
    Duration fetchTimeout = Duration.ofSeconds(1);
    UnaryOperator<TokenManagerBuilder> times = b -> b.fetchTimeout(fetchTimeout)
        .leaseDuration(Duration.ofSeconds(2)).storeTimeout(Duration.ofSeconds(1)); // settle: the fetch timeout
    Fleet fleet = new Fleet(lifetime)
        .node("renewer", b -> times.apply(b).refreshAhead(lifetime.dividedBy(2)))
        .node("b", times).node("c", times).start();
    InProcessNode renewer = fleet.nodes.get(0);
    Duration lateBy = Duration.ofMillis(1600);
    fleet.server.enqueue(Fault.lateIssue(lateBy)); // after the timeout, within the settle period

    await("the renewer's fetch timing out").atMost(lifetime.plusSeconds(2)).pollInterval(Duration.ofMillis(5))
        .until(() -> renewer.events().fetchesFailed() >= 1);
    long timedOut = System.nanoTime();
    // the listener hears of the failure just before the lease is released
    StoredToken settling = await("the lease released").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
        .until(fleet::row, row -> !row.isLeased());
    long settleEnd = System.nanoTime() + settling.settleIn().toNanos();
    await("the late issue").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
        .until(() -> fleet.server.fetches() >= 2);
    long lateIssue = System.nanoTime();
    // until the late issue the fleet still holds its first token, which the server accepted until then
    long recovered = fleet.awaitRecoveryAfter(Math.max(settleEnd, lateIssue), Duration.ofSeconds(10));
    sleep(Duration.ofMillis(500));
    long fetchedDuringSettle = fleet.fetchesStartedBetween(renewer.events().started().get(1).nanos() + 1,
        settleEnd - SETTLE_SLACK.toNanos());
    long rejectedOffers = fleet.watch.countAfter(recovered, FleetWatch.Sample::storeOffersRejected);
    int fetches = fleet.server.fetches();
    fleet.stopAndClose();
    CallLog.Window window = new CallLog.Window(timedOut, settleEnd + RECOVERY_BOUND.toNanos());

    fleet.figures("lateIssue").put("settleMillis", settling.settleIn().toMillis())
        .put("lateIssueAfterTimeoutMillis", millis(lateIssue - timedOut))
        .put("recoveredAfterSettleMillis", millis(recovered - settleEnd))
        .put("recoveredAfterTimeoutMillis", millis(recovered - timedOut))
        .put("fetchesDuringSettle", fetchedDuringSettle).put("fetches", fetches)
        .put("failuresInWindow", fleet.failuresInside(window)).put("failuresOutside", fleet.failuresOutside(window))
        .put("storeOfferedRejectedAfterRecovery", rejectedOffers).print();

    assertThat(settling.isSettling()).as("the settle period is recorded in the store").isTrue();
    assertThat(settling.isLeased()).as("the lease released at the timeout").isFalse();
    assertThat(settling.lastError()).contains("transport");
    assertThat(fetchedDuringSettle).as("fetches any node started during the settle period").isZero();
    assertThat(fetches).as("the first token, the late one, and the fleet's renewal after the settle").isEqualTo(3);
    assertThat(rejectedOffers).as("samples after the renewal where the store offered a token the server rejects")
        .isZero();
    fleet.assertNoFailureOutside(window);
    fleet.assertRecoveredWithin(settleEnd, recovered);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  // ---- two nodes with one nodeId

  /**
   * Two nodes named {@code web}. The first one's fetch takes almost its whole lease, and its publish
   * reaches the database only after the lease ran out and the other {@code web} node took a lease of
   * its own and is fetching: same owner name, same version, live lease. The late publish is fenced by
   * the lease's random id and discarded; the store ends on the other node's token, which the server
   * accepts. Documented window: none; bound: three fetches (first token, the discarded one, the
   * other node's).
   */
  @Test
  void aLatePublishOfANodeWhoseLeaseRanOutIsNeverAcceptedUnderTheLeaseOfANodeWithTheSameName() throws Exception {
    Duration lifetime = Duration.ofSeconds(4);
    UnaryOperator<TokenManagerBuilder> web = b -> b.nodeId("web").fetchTimeout(Duration.ofMillis(1900))
        .leaseDuration(Duration.ofSeconds(2)).storeTimeout(Duration.ofMillis(1500));
    Fleet fleet = new Fleet(lifetime)
        .node("first", b -> web.apply(b).refreshAhead(lifetime.dividedBy(2)))
        .node("second", web).start();
    InProcessNode first = fleet.nodes.get(0);
    InProcessNode second = fleet.nodes.get(1);
    int publishedBefore = first.faults().executed(StoreStatement.PUBLISH);
    FaultInjectingDataSource.Hang publish = first.faults().hangNext(StoreStatement.PUBLISH);
    fleet.server.enqueue(Fault.delay(Duration.ofMillis(1800))); // the first node's fetch: nearly the whole lease
    fleet.server.enqueue(Fault.delay(Duration.ofMillis(800))); // the second's: its lease is live meanwhile

    assertThat(publish.awaitHanging(lifetime.plusSeconds(3))).as("the first node's publish on its way").isTrue();
    await("the second node fetching under a lease of its own").atMost(Duration.ofSeconds(4))
        .pollInterval(Duration.ofMillis(5)).until(() -> second.events().fetchesStarted() >= 1);
    StoredToken leased = fleet.row();
    publish.release();
    long late = System.nanoTime();
    await("the first node's publish fenced off").atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(5))
        .until(() -> first.events().leaseLost() >= 1);
    long recovered = fleet.awaitRecoveryAfter(late, Duration.ofSeconds(10));
    sleep(Duration.ofMillis(300));
    int fetches = fleet.server.fetches();
    fleet.stopAndClose();
    List<String> issued = fleet.watch.serverTokens();
    List<String> stored = fleet.watch.storedTokens();

    fleet.figures("sameNodeId").put("fetches", fetches).put("leaseLost", first.events().leaseLost())
        .put("recoveryMillis", millis(recovered - late)).put("tokensIssued", issued.size())
        .put("tokensStored", stored.size()).print();

    assertThat(leased.isLeased()).as("the second node's lease, live when the late publish arrived").isTrue();
    assertThat(leased.leaseOwner()).contains("web");
    assertThat(leased.version()).as("the version the late publish was fenced with").isEqualTo(1);
    assertThat(first.faults().executed(StoreStatement.PUBLISH) - publishedBefore)
        .as("the late publish reached the database").isEqualTo(1);
    assertThat(first.events().fetches()).as("tokens the first node published: only the first one").isEqualTo(1);
    assertThat(second.events().fetches()).isEqualTo(1);
    assertThat(issued).as("tokens the server issued: the first, the late publisher's, the second node's")
        .hasSize(3);
    assertThat(stored).as("tokens the store held: never the late publisher's").containsExactly(issued.get(0),
        issued.get(2));
    assertThat(fetches).isEqualTo(3);
    fleet.assertNoFailureOutside(CallLog.Window.NONE);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  // ---- the row's version set back, and a restore

  /**
   * An UPDATE sets the row's version back while the fleet runs (same token). Nodes compare tokens by
   * value and publish time, so it costs no fetch; the next renewal, the cycle's one fetch, is
   * published above every version handed out. Documented window: none; bound: one fetch per renewal
   * cycle (half a lifetime here).
   */
  @Test
  void aVersionSetBackByHandCostsNoFetchAndVersionsKeepGrowing() {
    Duration lifetime = Duration.ofSeconds(3);
    Fleet fleet = new Fleet(lifetime).node("a", halfWay(lifetime)).node("b", halfWay(lifetime))
        .node("c", halfWay(lifetime))
        .start();
    fleet.awaitEveryNodeOn(fleet.awaitPublished(2));

    fleet.execute("UPDATE " + fleet.table + " SET version = 1");
    long edited = System.nanoTime();
    long highestBefore = fleet.highestVersionHandedOut();

    fleet.awaitFetches(4);
    long recovered = fleet.awaitRecoveryAfter(System.nanoTime(), Duration.ofSeconds(5));
    fleet.stopAndClose();
    long firstVersionAfter = fleet.firstStoredVersionAfter(edited);
    Duration window = Duration.ofNanos(recovered - edited);
    long fetchesAfter = fleet.fetchesStartedBetween(edited, recovered);

    fleet.figures("versionSetBack").put("versionBefore", highestBefore).put("versionPublishedAfter",
            firstVersionAfter).put("fetchesAfterEdit", fetchesAfter).put("windowMillis", window.toMillis())
        .put("shortestRefetchMillis", fleet.shortestRefetchMillis()).print();

    assertThat(firstVersionAfter).as("the version the renewal after the edit published").isGreaterThan(highestBefore);
    assertThat(fetchesAfter).as("fetches in %s after the edit: one per renewal cycle", window)
        .isLessThanOrEqualTo(window.toMillis() / lifetime.dividedBy(2).toMillis() + 1);
    fleet.assertNoLoop(lifetime.dividedBy(2));
    fleet.assertNoFailureOutside(CallLog.Window.NONE);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  /**
   * The row is replaced by an older copy of itself (a backup restored), its token and times included:
   * a token the server invalidated, published before the one the nodes hold. No node adopts it or
   * keeps serving a token the store replaced; the next renewal, the cycle's one fetch, is published
   * above every version handed out. Documented window: none; bound: one fetch per renewal cycle.
   */
  @Test
  void aRestoredOlderRowIsFollowedWithOneFetchAndNoNodeServesTheRestoredToken() {
    Duration lifetime = Duration.ofSeconds(3);
    Fleet fleet = new Fleet(lifetime).node("a", halfWay(lifetime)).node("b", halfWay(lifetime))
        .node("c", halfWay(lifetime))
        .start();
    StoredToken saved = fleet.awaitPublished(2);
    String backup = fleet.table + "_bak";
    tables.add(backup);
    fleet.execute("CREATE TABLE " + backup + " AS SELECT * FROM " + fleet.table);
    fleet.awaitEveryNodeOn(fleet.awaitPublished(3));

    fleet.inTransaction("DELETE FROM " + fleet.table, "INSERT INTO " + fleet.table + " SELECT * FROM " + backup);
    long restored = System.nanoTime();
    StoredToken afterRestore = fleet.row();
    long highestBefore = fleet.highestVersionHandedOut();

    fleet.awaitFetches(5);
    long recovered = fleet.awaitRecoveryAfter(System.nanoTime(), Duration.ofSeconds(5));
    fleet.stopAndClose();
    long firstVersionAfter = fleet.firstStoredVersionAfter(restored, saved.value().orElseThrow());
    long servedRestored = fleet.nodes.stream().flatMap(node -> node.seen().stream())
        .filter(seen -> seen.nanos() - restored >= 0 && seen.value().equals(saved.value().orElseThrow())).count();
    long fetchesAfter = fleet.fetchesStartedBetween(restored, recovered);
    Duration window = Duration.ofNanos(recovered - restored);

    fleet.figures("restore").put("versionBefore", highestBefore).put("versionPublishedAfter", firstVersionAfter)
        .put("fetchesAfterRestore", fetchesAfter).put("windowMillis", window.toMillis())
        .put("servedRestoredToken", servedRestored).print();

    assertThat(afterRestore.version()).as("the restored row").isEqualTo(2);
    assertThat(afterRestore.value()).isEqualTo(saved.value());
    assertThat(servedRestored).as("times a node handed out the restored token").isZero();
    assertThat(firstVersionAfter).isGreaterThan(highestBefore);
    assertThat(fetchesAfter).as("fetches in %s after the restore: one per renewal cycle", window)
        .isLessThanOrEqualTo(window.toMillis() / lifetime.dividedBy(2).toMillis() + 1);
    fleet.assertNoLoop(lifetime.dividedBy(2));
    fleet.assertNoFailureOutside(CallLog.Window.NONE);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  // ---- a token rotated out of band

  /**
   * Something outside the fleet fetches: the fleet's token dies while it should still be valid, with
   * no node renewing. The first 401 reports {@code foreignFetchSuspected}, and the fleet renews once,
   * after the rejection (the fleet's first such renewal is never held back); calls are replayed and
   * succeed. A second rotation within the fleet-wide rejection interval (the default 60 s) gets no
   * second rejection-triggered fetch from any node: calls fail with
   * {@link RenewalRateLimitedException} until the scheduled renewal (here, with 3 s tokens, well
   * before the interval ends). Documented windows: none for the first rotation; for the second, from
   * the rotation until the scheduled renewal or the end of the rejection interval, whichever comes
   * first.
   */
  @Test
  void aTokenRotatedOutOfBandIsRenewedOnceFleetWideAndReportedAsAForeignFetch() {
    Duration lifetime = Duration.ofSeconds(3);
    UnaryOperator<TokenManagerBuilder> times = b -> b.fetchTimeout(Duration.ofSeconds(1))
        .leaseDuration(Duration.ofSeconds(2)).storeTimeout(Duration.ofSeconds(1));
    Fleet fleet = new Fleet(lifetime).node("a", times).node("b", times).node("c", times).start();

    long rotated = System.nanoTime();
    fleet.server.issueTokenOutOfBand();
    long recovered = fleet.awaitRecoveryAfter(rotated, Duration.ofSeconds(5));
    StoredToken afterRejection = fleet.row();
    List<EventCounts.Started> firstRenewal = fleet.startedBetween(rotated, recovered);

    long rotatedAgain = System.nanoTime();
    fleet.server.issueTokenOutOfBand();
    long recoveredAgain = fleet.awaitRecoveryAfter(rotatedAgain, lifetime.plusSeconds(3));
    sleep(Duration.ofMillis(300));
    List<EventCounts.Started> secondRenewal = fleet.startedBetween(rotatedAgain, recoveredAgain);
    fleet.stopAndClose();
    CallLog.Window second = new CallLog.Window(rotatedAgain, recoveredAgain);
    long foreign = fleet.nodes.stream().mapToLong(node -> node.events().foreignFetchSuspected()).sum();
    long rateLimited = fleet.nodes.stream().mapToLong(node -> node.events().rejectionRateLimited()).sum();

    fleet.figures("outOfBand").put("recoveryMillis", millis(recovered - rotated))
        .put("secondRotationRecoveryMillis", millis(recoveredAgain - rotatedAgain))
        .put("firstRenewal", reasons(firstRenewal)).put("secondRenewal", reasons(secondRenewal))
        .put("foreignFetchSuspected", foreign).put("rejectionRateLimited", rateLimited)
        .put("failuresAfterSecondRotation", fleet.failuresInside(second))
        .put("failureKinds", fleet.failureKinds().toString().replace(' ', '_')).print();

    assertThat(firstRenewal).as("fetches after the first rotation").extracting(EventCounts.Started::reason)
        .containsExactly(FetchReason.REJECTED);
    assertThat(afterRejection.rejectionFetchAgo()).as("the fleet's rejection-triggered lease, in the store")
        .isPresent();
    assertThat(foreign).as("foreignFetchSuspected events").isPositive();
    assertThat(secondRenewal).as("fetches after the second rotation: the scheduled renewal only")
        .extracting(EventCounts.Started::reason).containsExactly(FetchReason.REFRESH_AHEAD);
    assertThat(rateLimited).as("renewals after the second rejection held back by the fleet-wide limit").isPositive();
    assertThat(fleet.failureKinds().keySet()).as("how calls failed")
        .isSubsetOf(RenewalRateLimitedException.class.getSimpleName());
    fleet.assertNoFailureOutside(second);
    fleet.assertRecoveredWithin(rotated, recovered);
    assertThat(Duration.ofNanos(recoveredAgain - rotatedAgain)).as("the second rotation: until the scheduled renewal")
        .isLessThan(lifetime.plus(RECOVERY_BOUND));
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  // ---- the lifetime changing between fetches

  /**
   * The API says lifetimes may change: the next three tokens live 3 s, 1.5 s and 4 s. Each renewal
   * follows its own token's lifetime, never the previous token's: it starts after three quarters of
   * the lifetime and before the lifetime the reply announced has passed. The 1.5 s token is announced
   * as {@code expires_in} 2 (whole seconds, rounded up) and the server drops it at 1.5 s, before its
   * refresh point at 1.6 s: the first 401 renews it (reported as a suspected foreign fetch). One fetch
   * per token. Documented window: none.
   */
  @Test
  void renewalsFollowEachTokensOwnLifetimeWithOneFetchPerToken() {
    List<Duration> lifetimes = List.of(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(4));
    UnaryOperator<TokenManagerBuilder> times = b -> b.fetchTimeout(Duration.ofSeconds(1))
        .leaseDuration(Duration.ofSeconds(2)).storeTimeout(Duration.ofSeconds(1));
    Fleet fleet = new Fleet(Duration.ofSeconds(3)).node("a", times).node("b", times).node("c", times);
    fleet.server.enqueueLifetimes(lifetimes.toArray(Duration[]::new));
    fleet.start();

    fleet.awaitFetches(lifetimes.size() + 1);
    fleet.awaitRecoveryAfter(System.nanoTime(), Duration.ofSeconds(5));
    fleet.stopAndClose();
    List<EventCounts.Started> started = fleet.allStarted();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < started.size(); i++) {
      gaps.add(millis(started.get(i).nanos() - started.get(i - 1).nanos()));
    }

    fleet.figures("lifetimes").put("lifetimesMillis", lifetimes.stream().map(l -> String.valueOf(l.toMillis()))
            .collect(Collectors.joining(","))).put("refetchGapsMillis", gaps.stream().map(String::valueOf)
            .collect(Collectors.joining(","))).put("reasons", reasons(started))
        .put("fetches", fleet.server.fetches()).put("rejected401", fleet.server.rejected()).print();

    assertThat(started).as("fetches: one per token").hasSize(lifetimes.size() + 1);
    assertThat(fleet.server.fetches()).isEqualTo(lifetimes.size() + 1);
    for (int i = 0; i < lifetimes.size(); i++) {
      long lifetime = lifetimes.get(i).toMillis();
      long announced = (lifetime + 999) / 1000 * 1000; // expires_in, whole seconds rounded up
      assertThat(gaps.get(i)).as("ms from fetching the %d ms token (expires_in %d s) to renewing it", lifetime,
              announced / 1000)
          .isBetween(lifetime * 3 / 4, announced);
    }
    fleet.assertNoFailureOutside(CallLog.Window.NONE);
    fleet.assertVersionsNeverWentBack();
    fleet.assertEveryThreadEnded();
  }

  // ---- helpers

  /**
   * Nodes that renew half-way through a token's lifetime, so a renewal cycle is half a lifetime and a
   * store call slowed by a busy machine still leaves the token time to spare.
   */
  private static UnaryOperator<TokenManagerBuilder> halfWay(Duration lifetime) {
    return b -> b.refreshAhead(lifetime.dividedBy(2)).fetchTimeout(Duration.ofMillis(800))
        .leaseDuration(Duration.ofMillis(1500)).storeTimeout(Duration.ofMillis(800));
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  private static String reasons(List<EventCounts.Started> started) {
    return started.isEmpty() ? "-" : started.stream().map(s -> s.reason().name()).collect(Collectors.joining(","));
  }

  private static void sleep(Duration duration) {
    AbstractInProcessFleetTest.sleep(duration);
  }

  /**
   * One test's fleet: a strict server, a table, nodes, a store of the test's own that reads the row,
   * a {@link FleetWatch} and the key's warnings. Built by {@link #node} and {@link #start()}; every
   * part is closed after the test.
   */
  private final class Fleet {
    final FakeCtcServer server;
    final String table;
    final List<InProcessNode> nodes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<UnaryOperator<TokenManagerBuilder>> customizations = new ArrayList<>();
    private final TokenKey key;
    private final WarnLog warnings;
    private JdbcTokenStore observer;
    FleetWatch watch;

    Fleet(Duration lifetime) {
      server = FakeCtcServer.builder()
          .clientId(AbstractInProcessFleetTest.uniqueName("fault-client"))
          .clientSecret(UUID.randomUUID().toString())
          .tokenLifetime(lifetime)
          .build()
          .start();
      resources.add(server);
      table = database.newTable();
      tables.add(table);
      key = TokenKey.of(server.endpoint(), server.clientId());
      warnings = WarnLog.capture(server.clientId());
      resources.add(warnings);
    }

    Fleet node(String name, UnaryOperator<TokenManagerBuilder> customize) {
      names.add(name);
      customizations.add(customize);
      return this;
    }

    /**
     * Builds the nodes, has the first fetch version 1 and the others adopt it, starts every node's
     * callers and the watch.
     */
    Fleet start() {
      for (int i = 0; i < names.size(); i++) {
        InProcessNode node = InProcessNode.start(names.get(i), database, server, table, customizations.get(i));
        resources.add(node);
        nodes.add(node);
      }
      HikariDataSource pool = database.pool(database.url(), AbstractInProcessFleetTest.uniqueName("observer"),
          Duration.ofSeconds(5));
      resources.add(pool);
      observer = JdbcTokenStore.builder(pool).tableName(table).createTableIfMissing(true).build();
      resources.add(observer);
      for (InProcessNode node : nodes) {
        assertThat(node.warmUp().version()).as("%s's first token", node).isEqualTo(1);
      }
      assertThat(server.fetches()).as("one fetch for the whole fleet's first token").isEqualTo(1);
      for (InProcessNode node : nodes) {
        node.startCalling(CALLERS, PACE);
      }
      watch = FleetWatch.start(server, observer, nodes);
      resources.add(watch);
      return this;
    }

    /** The row now, as the store reads it. */
    StoredToken row() {
      return observer.read(key).toCompletableFuture().join().orElseThrow();
    }

    /** Waits until the row holds version {@code version}, published and unleased, and returns it. */
    StoredToken awaitPublished(long version) {
      return await("version " + version + " published").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(this::row, row -> row.version() == version && !row.isLeased());
    }

    /** Waits until every node's callers hold {@code row}'s token. */
    void awaitEveryNodeOn(StoredToken row) {
      String value = row.value().orElseThrow();
      await("every node on version " + row.version()).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
          .until(() -> nodes.stream().allMatch(node -> value.equals(node.heldValue())));
    }

    void awaitFetches(int fetches) {
      await(fetches + " fetches").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
          .until(() -> server.fetches() >= fetches);
    }

    /**
     * Waits until, at or after {@code nanos}, the store holds unleased the token the server accepts
     * and every node's callers hold it too; returns when that was first seen.
     */
    long awaitRecoveryAfter(long nanos, Duration atMost) {
      return await("the fleet on a token the server accepts").atMost(atMost).pollInterval(Duration.ofMillis(10))
          .until(() -> watch.firstAfter(nanos, s -> s.storeHoldsAccepted() && s.everyNodeHoldsAccepted()),
              OptionalLong::isPresent)
          .getAsLong();
    }

    /** When, at or after {@code nanos}, the store first held unleased the token the server accepts. */
    long storeRecoveredAfter(long nanos) {
      return watch.firstAfter(nanos, FleetWatch.Sample::storeHoldsAccepted).orElseThrow();
    }

    /** The version of the first token the row held after {@code nanos} that is none of {@code others}. */
    long firstStoredVersionAfter(long nanos, String... others) {
      String before = watch.samples().stream().filter(s -> s.nanos() - nanos < 0).reduce((a, b) -> b)
          .flatMap(FleetWatch.Sample::row).flatMap(StoredToken::value).orElseThrow();
      List<String> old = new ArrayList<>(List.of(others));
      old.add(before);
      return watch.samples().stream().filter(s -> s.nanos() - nanos >= 0).map(FleetWatch.Sample::row)
          .flatMap(Optional::stream).filter(row -> row.value().isPresent() && !old.contains(row.value().get()))
          .mapToLong(StoredToken::version).findFirst().orElseThrow();
    }

    long highestVersionHandedOut() {
      return nodes.stream().mapToLong(InProcessNode::latestVersion).max().orElse(0);
    }

    /** The fetches the fleet's nodes started from {@code fromNanos} to {@code toNanos}, in order. */
    List<EventCounts.Started> startedBetween(long fromNanos, long toNanos) {
      return nodes.stream().flatMap(node -> node.events().started().stream())
          .filter(s -> s.nanos() - fromNanos >= 0 && toNanos - s.nanos() >= 0)
          .sorted(Comparator.comparingLong(EventCounts.Started::nanos)).toList();
    }

    /** Every fetch the fleet's nodes started, in order. */
    List<EventCounts.Started> allStarted() {
      return nodes.stream().flatMap(node -> node.events().started().stream())
          .sorted(Comparator.comparingLong(EventCounts.Started::nanos)).toList();
    }

    long fetchesStartedBetween(long fromNanos, long toNanos) {
      return startedBetween(fromNanos, toNanos).size();
    }

    long shortestRefetchMillis() {
      List<EventCounts.Started> all = allStarted();
      long shortest = Long.MAX_VALUE;
      for (int i = 1; i < all.size(); i++) {
        shortest = Math.min(shortest, all.get(i).nanos() - all.get(i - 1).nanos());
      }
      return shortest == Long.MAX_VALUE ? -1 : millis(shortest);
    }

    void execute(String sql) {
      database.execute(sql);
    }

    void inTransaction(String... statements) {
      database.inTransaction(statements);
    }

    long failuresInside(CallLog.Window window) {
      return nodes.stream().mapToLong(node -> node.calls().failuresInside(window)).sum();
    }

    long failuresOutside(CallLog.Window window) {
      return nodes.stream().mapToLong(node -> node.calls().failuresOutside(window)).sum();
    }

    Map<String, Long> failureKinds() {
      Map<String, Long> kinds = new TreeMap<>();
      nodes.forEach(node -> node.calls().failureKinds().forEach((kind, n) -> kinds.merge(kind, n, Long::sum)));
      return kinds;
    }

    /** Stops every node's callers, then closes each node (manager last), after checking its library threads ran. */
    void stopAndClose() {
      nodes.forEach(InProcessNode::stopCalling);
      watch.close();
      for (InProcessNode node : nodes) {
        assertThat(node.libraryThreadKinds()).as("%s's library threads before close(), told apart by thread group", node)
            .containsExactlyInAnyOrderElementsOf(InProcessNode.LIBRARY_THREADS);
        node.close();
      }
    }

    /** The figures every test of this class reports, under the test's name. */
    Figures figures(String test) {
      long calls = nodes.stream().mapToLong(node -> node.calls().count()).sum();
      long failures = nodes.stream().mapToLong(node -> node.calls().failures().size()).sum();
      return new Figures("fault:" + test, database).put("nodes", nodes.size()).put("calls", calls)
          .put("failedAfterReplay", failures).put("rejected401", server.rejected())
          .put("fetchesTotal", server.fetches())
          .put("backwards", nodes.stream().mapToLong(InProcessNode::backwards).sum())
          .put("closeMillis", nodes.stream().map(node -> String.valueOf(node.closeMillis()))
              .collect(Collectors.joining(",")))
          .put("warn", warnings.describe());
    }

    void assertNoFailureOutside(CallLog.Window window) {
      for (InProcessNode node : nodes) {
        assertThat(node.calls().failuresOutside(window))
            .as("%s's calls that failed after the replay outside the fault's window: %s", node,
                node.calls().failureKinds())
            .isZero();
        assertThat(node.calls().count()).as("%s's calls", node).isPositive();
      }
    }

    void assertRecoveredWithin(long fault, long recovered) {
      assertThat(Duration.ofNanos(recovered - fault))
          .as("from the fault to the store and every node on a token the server accepts")
          .isLessThan(RECOVERY_BOUND);
    }

    void assertVersionsNeverWentBack() {
      for (InProcessNode node : nodes) {
        assertThat(node.backwards()).as("%s: versions handed out lower than one before", node).isZero();
        List<Long> versions = node.seen().stream().map(InProcessNode.Seen::version).toList();
        assertThat(versions).as("%s: the versions of the tokens it handed out, in order", node).isSorted()
            .doesNotHaveDuplicates();
      }
    }

    /** No two fetches of the fleet closer than a renewal {@code cycle} (less a little slack): no loop. */
    void assertNoLoop(Duration cycle) {
      assertThat(shortestRefetchMillis()).as("shortest time between two fetches of the fleet")
          .matches(gap -> gap < 0 || gap >= cycle.toMillis() - 50, "at least a renewal cycle");
    }

    void assertEveryThreadEnded() {
      for (InProcessNode node : nodes) {
        await(node + "'s library threads ending").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .untilAsserted(() -> assertThat(node.libraryThreads()).extracting(Thread::getName)
                .as("threads the library started for %s, alive after its close()", node).isEmpty());
      }
    }
  }
}
