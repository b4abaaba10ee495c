package com.ctcfile.token.testkit;

import com.ctcfile.token.core.port.FetchFailure;
import com.ctcfile.token.core.port.LeaseRequest;
import com.ctcfile.token.core.port.RenewalLease;
import com.ctcfile.token.core.port.StoredToken;
import com.ctcfile.token.core.port.TokenKey;
import com.ctcfile.token.core.port.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Races threads through read, lease and publish (or release after a failure) on one key and records
 * what they saw, for {@link TokenStoreContractTest}.
 *
 * <p>Every judgement is made only where the timeline is certain. The store decides by its own clock,
 * which may have any offset from this JVM's but runs at the same rate, so a lease granted during a
 * {@code tryLease} call that started at {@code s} and returned at {@code r} lives from some moment in
 * {@code [s, r]}: it is <em>surely live</em> in {@code [r, s + lease)} until its holder starts to
 * publish or release, and <em>surely over</em> from {@code r + lease} on. A {@link #MARGIN} absorbs
 * the store clock's resolution.
 *
 * <p>Racers share owner names in pairs, so a store that fences by owner name instead of lease id lets
 * a stale holder publish under its twin's lease, and the race shows it.
 */
final class TokenStoreFuzzer {

  private static final long MARGIN = Duration.ofMillis(25).toNanos();

  /** What the race showed; every list but {@link #publishedVersions()} must be empty for a correct store. */
  record Outcome(List<String> errors, List<String> overlappingGrants, List<String> latePublishesAccepted,
      List<String> livePublishesRefused, List<Long> publishedVersions, int overstays, String lastPublishedToken) {}

  /** One granted lease: when the grant call started and returned, and until when it was surely live. */
  private record Grant(String owner, long seen, long calledAt, long grantedBy, long surelyLiveUntil) {}

  private final TokenKey key;
  private final List<TokenStore> nodes;
  private final int threads;
  private final long lease;
  private final long runFor;

  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<String> latePublishesAccepted = new CopyOnWriteArrayList<>();
  private final List<String> livePublishesRefused = new CopyOnWriteArrayList<>();
  private final List<Grant> grants = new CopyOnWriteArrayList<>();
  private final Map<Long, String> published = new ConcurrentHashMap<>();
  private final AtomicInteger overstays = new AtomicInteger();

  TokenStoreFuzzer(TokenKey key, List<TokenStore> nodes, int threads, Duration lease, Duration runFor) {
    this.key = key;
    this.nodes = List.copyOf(nodes);
    this.threads = threads;
    this.lease = lease.toNanos();
    this.runFor = runFor.toNanos();
  }

  Outcome run() throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    long end = System.nanoTime() + runFor;
    List<Thread> racers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int index = i;
      Thread racer = new Thread(() -> {
        try {
          start.await();
          race(index, end);
        } catch (Throwable e) {
          errors.add("racer " + index + ": " + e);
        }
      }, "token-store-fuzzer-" + i);
      racer.setDaemon(true);
      racers.add(racer);
      racer.start();
    }
    start.countDown();
    for (Thread racer : racers) {
      racer.join(runFor / 1_000_000 * 4 + 60_000);
      if (racer.isAlive()) {
        errors.add(racer.getName() + " did not finish");
      }
    }
    List<Long> versions = new ArrayList<>(published.keySet());
    Collections.sort(versions);
    String last = versions.isEmpty() ? null : published.get(versions.get(versions.size() - 1));
    return new Outcome(List.copyOf(errors), overlaps(), List.copyOf(latePublishesAccepted),
        List.copyOf(livePublishesRefused), versions, overstays.get(), last);
  }

  private void race(int index, long end) {
    TokenStore node = nodes.get(index % nodes.size());
    // racers share owner names in pairs, as nodes configured with one nodeId do: leases must be told apart by id
    String owner = "fuzz-node-" + index / 2;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int granted = 0;
    // racer 0 goes on until it has overstayed once, so every run shows fencing of a stale holder
    long hardEnd = end + 3 * runFor;
    while (System.nanoTime() - end < 0 || (index == 0 && overstays.get() == 0 && System.nanoTime() - hardEnd < 0)) {
      Optional<StoredToken> row = TokenStoreContractTest.join(node.read(key));
      long seen = row.map(StoredToken::version).orElse(0L);
      if (row.isPresent() && row.get().isLeased() && random.nextInt(10) != 0) {
        TokenStoreContractTest.sleep(random.nextInt(1, 4));
        continue;
      }
      long calledAt = System.nanoTime();
      Optional<RenewalLease> lease = TokenStoreContractTest.join(node.tryLease(LeaseRequest.scheduled(key, seen, owner, Duration.ofNanos(this.lease))));
      long grantedBy = System.nanoTime();
      if (lease.isEmpty()) {
        TokenStoreContractTest.sleep(random.nextInt(0, 3));
        continue;
      }
      granted++;
      boolean overstay = (index == 0 && granted % 2 == 1) || random.nextInt(20) == 0;
      if (overstay) {
        overstayThenPublish(node, lease.get(), calledAt, grantedBy);
      } else if (random.nextInt(7) == 0) {
        TokenStoreContractTest.sleep(random.nextInt(0, 6));
        grants.add(new Grant(owner, seen, calledAt, grantedBy, Math.min(System.nanoTime(), calledAt + this.lease - MARGIN)));
        TokenStoreContractTest.join(node.releaseAfterFailure(lease.get(), FetchFailure.known("fuzz", Duration.ZERO)));
      } else {
        TokenStoreContractTest.sleep(random.nextInt(0, 11));
        publishInTime(node, lease.get(), calledAt, grantedBy);
      }
    }
  }

  private void overstayThenPublish(TokenStore node, RenewalLease lease, long calledAt, long grantedBy) {
    long surelyOver = grantedBy + this.lease + MARGIN;
    long wait;
    while ((wait = surelyOver - System.nanoTime()) > 0) {
      TokenStoreContractTest.sleep(Math.max(1, wait / 1_000_000 + 1));
    }
    overstays.incrementAndGet();
    grants.add(new Grant(lease.owner(), lease.seenVersion(), calledAt, grantedBy, calledAt + this.lease - MARGIN));
    String token = TokenStoreContractTest.newToken(40);
    Optional<StoredToken> result = TokenStoreContractTest.join(node.publish(lease, TokenStoreContractTest.fresh(token, "Bearer")));
    if (result.isPresent()) {
      latePublishesAccepted.add(lease + " published version " + result.get().version() + " after its lease ran out");
      record(lease, result.get(), token);
    }
  }

  private void publishInTime(TokenStore node, RenewalLease lease, long calledAt, long grantedBy) {
    long surelyLiveUntil = calledAt + this.lease - MARGIN;
    long publishing = System.nanoTime();
    grants.add(new Grant(lease.owner(), lease.seenVersion(), calledAt, grantedBy, Math.min(publishing, surelyLiveUntil)));
    String token = TokenStoreContractTest.newToken(40);
    Optional<StoredToken> result = TokenStoreContractTest.join(node.publish(lease, TokenStoreContractTest.fresh(token, "Bearer")));
    long answered = System.nanoTime();
    if (result.isPresent()) {
      record(lease, result.get(), token);
    } else if (answered - surelyLiveUntil < 0) {
      livePublishesRefused.add(lease + " was refused though the whole publish call ran while its lease was live");
    }
  }

  private void record(RenewalLease lease, StoredToken row, String token) {
    if (row.version() != lease.nextVersion()) {
      errors.add(lease + " published as version " + row.version() + ", expected " + lease.nextVersion());
    }
    if (published.putIfAbsent(row.version(), token) != null) {
      errors.add("version " + row.version() + " was published twice");
    }
  }

  private List<String> overlaps() {
    List<String> found = new ArrayList<>();
    for (Grant live : grants) {
      for (Grant other : grants) {
        if (other != live && other.calledAt() - live.grantedBy() >= 0 && live.surelyLiveUntil() - other.grantedBy() >= 0) {
          found.add(other.owner() + " got a lease on version " + other.seen() + " while " + live.owner()
              + "'s lease on version " + live.seen() + " was live");
        }
      }
    }
    return found;
  }
}
