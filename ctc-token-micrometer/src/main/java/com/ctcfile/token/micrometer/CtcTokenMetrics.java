package com.ctcfile.token.micrometer;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.TokenManager;
import com.ctcfile.token.core.TokenStatus;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code ctc.token.*} meters of one or many {@link TokenManager}s in any number of Micrometer
 * registries: a {@link TokenEventListener} that counts what the managers do, and a
 * {@link MeterBinder} that shows those counts and each monitored manager's
 * {@link TokenManager#status() status}.
 *
 * <pre>{@code
 * CtcTokenMetrics metrics = CtcTokenMetrics.create();
 * TokenManager tokens = TokenManager.builder()
 *     ...
 *     .listener(metrics)          // counters and the fetch timer
 *     .build();
 * metrics.monitor(tokens);        // the expiry and version gauges
 * metrics.bindTo(registry);       // before or after the above, to as many registries as you like
 * }</pre>
 *
 * <p><b>Meters</b>, every one tagged {@value #CLIENT_TAG} (the clientId, or its hash with
 * {@link Builder#hashClientIds(boolean)}) plus the builder's {@linkplain Builder#tags common tags}:
 * <ul>
 *   <li>{@value #FETCH} (timer, seconds; tags {@value #REASON_TAG}, {@value #OUTCOME_TAG}): fetches
 *       from the token endpoint this node started, from {@link #fetchCompleted};
 *   <li>{@value #EXPIRY} (gauge, seconds): validity left on the held token, negative once it expired,
 *       NaN while none is held or the manager is closed;
 *   <li>{@value #VERSION} (gauge): the held token's version, 0 while none is held;
 *   <li>counters {@value #ADOPTED}, {@value #REJECTED} (tag {@value #HEALED_BY_TAG}: {@code store} or
 *       {@code fetch}), {@value #RATE_LIMITED}, {@value #LEASE_LOST}, {@value #STORE_FAILURES} and
 *       {@value #FOREIGN_FETCH}, one per listener event.
 * </ul>
 *
 * <p><b>Order does not matter.</b> This object keeps the counts itself and the registries read them
 * (function counters and a function timer), so events that happen before {@link #bindTo} are not
 * lost, every registry shows the same totals however late it was bound, and binding one registry
 * twice changes nothing. The price: the fetch timer has a count and a total time but no maximum or
 * histogram. A series (a combination of tag values) is registered the first time it happens; the
 * gauges of a manager are registered by {@link #monitor} and removed by {@link #forget} and
 * {@link #close}. Use one {@code CtcTokenMetrics} for all managers of a registry: two would register
 * the same meter ids, and Micrometer keeps the first one's.
 *
 * <p><b>Cost.</b> {@link TokenManager#token()} on a valid token raises no event, so nothing here runs
 * on the hot path; gauges call {@code status()}, which does no I/O, only when a registry reads them.
 * Events cost a map look-up and an add.
 *
 * <p><b>Secrets.</b> No tag, description or {@link #toString()} carries a token, the secret or an
 * exception message; failures are counted by kind only.
 *
 * <p>Thread-safe: events may arrive on any thread while registries are bound and read.
 */
public final class CtcTokenMetrics implements MeterBinder, TokenEventListener, AutoCloseable {

  /** Timer of the fetches this node started. */
  public static final String FETCH = "ctc.token.fetch";
  /** Gauge of the seconds of validity left on the held token. */
  public static final String EXPIRY = "ctc.token.expiry";
  /** Gauge of the held token's version. */
  public static final String VERSION = "ctc.token.version";
  /** Counter of tokens adopted from the shared store. */
  public static final String ADOPTED = "ctc.token.adopted";
  /** Counter of renewals after the API rejected a token. */
  public static final String REJECTED = "ctc.token.rejected";
  /** Counter of renewals after rejection refused by the rate limit. */
  public static final String RATE_LIMITED = "ctc.token.rate.limited";
  /** Counter of fetched tokens discarded because the lease was lost. */
  public static final String LEASE_LOST = "ctc.token.lease.lost";
  /** Counter of failed store calls. */
  public static final String STORE_FAILURES = "ctc.token.store.failures";
  /** Counter of rejections that point at a fetch made outside the fleet. */
  public static final String FOREIGN_FETCH = "ctc.token.foreign.fetch";

  /** The clientId, or its hash; on every meter. */
  public static final String CLIENT_TAG = "client";
  /** Why a fetch started: {@code initial}, {@code refresh_ahead}, {@code expired}, {@code rejected}. */
  public static final String REASON_TAG = "reason";
  /**
   * How a fetch ended: {@code success}, {@code api_error}, {@code transport_error},
   * {@code protocol_error}, {@code store_error}, {@code lease_lost}.
   */
  public static final String OUTCOME_TAG = "outcome";
  /** What healed a rejected token: {@code store} (found renewed) or {@code fetch} (fetched here). */
  public static final String HEALED_BY_TAG = "healed_by";

  /** The counted meters: one series per combination of tag values, made when it first happens. */
  private enum Counted {
    FETCH_TIMER(FETCH, "Token fetches from the CTC token endpoint that this node started, by why they started"
        + " and how they ended"),
    ADOPTIONS(ADOPTED, "Newer tokens taken from the shared store without fetching"),
    REJECTIONS(REJECTED, "Renewals after the API rejected a token, by what healed it: the store (another node"
        + " had renewed it) or a fetch"),
    RATE_LIMITS(RATE_LIMITED, "Renewals after a rejection that the rejection rate limit refused"),
    LEASES_LOST(LEASE_LOST, "Fetched tokens discarded because this node's renewal lease ran out or was taken"),
    STORE_FAILED(STORE_FAILURES, "Failed calls to the shared token store"),
    FOREIGN_FETCHES(FOREIGN_FETCH, "Rejections of a token that should have been valid with no fetch in the fleet"
        + " since: something outside the fleet fetched with the same credentials");

    final String meterName;
    final String description;

    Counted(String meterName, String description) {
      this.meterName = meterName;
      this.description = description;
    }
  }

  private final boolean hashClientIds;
  private final Tags commonTags;
  private final Map<String, String> clientTags = new ConcurrentHashMap<>();
  // read without the lock on every event; entries are added and cleared under it
  private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private final List<MeterRegistry> registries = new ArrayList<>();
  private final Map<TokenManager, Monitored> monitored = new IdentityHashMap<>();
  private volatile boolean closed;

  private CtcTokenMetrics(Builder builder) {
    this.hashClientIds = builder.hashClientIds;
    this.commonTags = builder.tags;
  }

  /** Meters tagged with the plain clientId and no common tags. */
  public static CtcTokenMetrics create() {
    return builder().build();
  }

  /** A builder of the options. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers the gauges of {@code manager} ({@value #EXPIRY}, {@value #VERSION}) in every registry
   * bound now or later. The manager's events reach these meters only if this object is also one of
   * its {@linkplain com.ctcfile.token.core.TokenManagerBuilder#listener listeners}. Monitoring the same
   * manager again does nothing.
   *
   * @return {@code manager}
   * @throws IllegalArgumentException if another monitored manager has the same {@value #CLIENT_TAG}
   *     tag (the same clientId at another endpoint): gauges of one tag can show only one manager
   * @throws IllegalStateException if this object is closed
   */
  public TokenManager monitor(TokenManager manager) {
    Objects.requireNonNull(manager, "manager");
    String client = clientTag(manager.key());
    synchronized (lock) {
      requireOpen();
      if (monitored.containsKey(manager)) {
        return manager;
      }
      for (Monitored other : monitored.values()) {
        if (other.client.equals(client)) {
          throw new IllegalArgumentException("a manager with " + CLIENT_TAG + " tag '" + client
              + "' is already monitored: forget it before monitoring another one of the same clientId");
        }
      }
      Monitored gauges = new Monitored(manager, client);
      monitored.put(manager, gauges);
      for (MeterRegistry registry : registries) {
        gauges.registerIn(registry);
      }
    }
    return manager;
  }

  /**
   * Removes the gauges of {@code manager} from every registry; its counters stay, since they count
   * what happened. Call it when you close a manager before the application ends.
   *
   * @return whether {@code manager} was monitored
   */
  public boolean forget(TokenManager manager) {
    Objects.requireNonNull(manager, "manager");
    Monitored gauges;
    synchronized (lock) {
      gauges = monitored.remove(manager);
      if (gauges != null) {
        gauges.removeFromRegistries();
      }
    }
    return gauges != null;
  }

  /**
   * Shows every meter in {@code registry}: the series counted so far, the gauges of the monitored
   * managers, and whatever comes later. Binding a registry that is already bound does nothing.
   *
   * @throws IllegalStateException if this object is closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (lock) {
      requireOpen();
      for (MeterRegistry bound : registries) {
        if (bound == registry) {
          return;
        }
      }
      registries.add(registry);
      for (Series counted : series.values()) {
        counted.registerIn(registry);
      }
      for (Monitored gauges : monitored.values()) {
        gauges.registerIn(registry);
      }
    }
  }

  /**
   * Removes every meter this object registered from every registry and stops counting; later events
   * are ignored. Closing twice does nothing. The managers and the registries stay open.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Monitored gauges : monitored.values()) {
        gauges.removeFromRegistries();
      }
      monitored.clear();
      for (Series counted : series.values()) {
        counted.removeFromRegistries();
      }
      series.clear();
      registries.clear();
    }
  }

  @Override
  public void fetchCompleted(TokenKey key, FetchReason reason, FetchOutcome outcome, Duration took) {
    Series fetches = series(Counted.FETCH_TIMER, key, REASON_TAG, tagValue(reason), OUTCOME_TAG, tagValue(outcome));
    if (fetches != null) {
      fetches.record(took);
    }
  }

  @Override
  public void tokenAdopted(TokenKey key, long version) {
    count(Counted.ADOPTIONS, key);
  }

  @Override
  public void renewedAfterRejection(TokenKey key, long rejectedVersion, long newVersion, boolean fetched) {
    count(Counted.REJECTIONS, key, HEALED_BY_TAG, fetched ? "fetch" : "store");
  }

  @Override
  public void rejectionRateLimited(TokenKey key, long rejectedVersion, Duration retryAfter) {
    count(Counted.RATE_LIMITS, key);
  }

  @Override
  public void leaseLost(TokenKey key, long seenVersion) {
    count(Counted.LEASES_LOST, key);
  }

  @Override
  public void storeFailed(TokenKey key, CtcTokenException failure) {
    count(Counted.STORE_FAILED, key);
  }

  @Override
  public void foreignFetchSuspected(TokenKey key, long version) {
    count(Counted.FOREIGN_FETCHES, key);
  }

  /** A summary without client ids: how many registries, monitored managers and series. */
  @Override
  public String toString() {
    synchronized (lock) {
      return "CtcTokenMetrics{registries=" + registries.size() + ", monitored=" + monitored.size() + ", series="
          + series.size() + ", client tag=" + (hashClientIds ? "hashed" : "clientId") + (closed ? ", closed" : "")
          + "}";
    }
  }

  private void count(Counted meter, TokenKey key, String... tags) {
    Series counted = series(meter, key, tags);
    if (counted != null) {
      counted.count.increment();
    }
  }

  /** The series of {@code meter} for {@code key} and {@code tags}, made and registered on first use; null once closed. */
  private Series series(Counted meter, TokenKey key, String... tags) {
    if (closed) {
      return null;
    }
    SeriesKey id = new SeriesKey(meter, Tags.of(CLIENT_TAG, clientTag(key)).and(tags));
    Series existing = series.get(id);
    if (existing != null) {
      return existing;
    }
    synchronized (lock) {
      if (closed) {
        return null;
      }
      Series created = series.get(id);
      if (created == null) {
        created = new Series(meter, id.tags);
        series.put(id, created);
        for (MeterRegistry registry : registries) {
          created.registerIn(registry);
        }
      }
      return created;
    }
  }

  private String clientTag(TokenKey key) {
    return clientTags.computeIfAbsent(key.clientId(), clientId -> hashClientIds ? shortHash(clientId) : clientId);
  }

  /** The first 8 hex digits of the SHA-256 of {@code clientId}: the same on every node and after restarts. */
  static String shortHash(String clientId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this CtcTokenMetrics is closed");
    }
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  private record SeriesKey(Counted meter, Tags tags) {}

  /** A meter registered in one registry, so that it can be removed from there again. */
  private record Registration(MeterRegistry registry, Meter meter) {
    void remove() {
      registry.remove(meter);
    }
  }

  /** One counted series: its counts, and where it is registered (guarded by the binder's lock). */
  private final class Series {
    final Counted meter;
    final Tags tags;
    final LongAdder count = new LongAdder();
    // the fetch timer's total; unused by counters
    final LongAdder totalNanos = new LongAdder();
    final List<Registration> registrations = new ArrayList<>();

    Series(Counted meter, Tags tags) {
      this.meter = meter;
      this.tags = tags;
    }

    void record(Duration took) {
      totalNanos.add(Math.max(0, saturatedNanos(took)));
      count.increment();
    }

    void registerIn(MeterRegistry registry) {
      Meter registered;
      if (meter == Counted.FETCH_TIMER) {
        registered = FunctionTimer.builder(meter.meterName, this, s -> s.count.sum(), s -> s.totalNanos.sum(),
                TimeUnit.NANOSECONDS)
            .tags(commonTags).tags(tags).description(meter.description).register(registry);
      } else {
        registered = FunctionCounter.builder(meter.meterName, this, s -> s.count.sum())
            .tags(commonTags).tags(tags).description(meter.description).register(registry);
      }
      registrations.add(new Registration(registry, registered));
    }

    void removeFromRegistries() {
      registrations.forEach(Registration::remove);
      registrations.clear();
    }

    private long saturatedNanos(Duration took) {
      try {
        return took.toNanos();
      } catch (ArithmeticException tooLong) {
        return took.isNegative() ? 0 : Long.MAX_VALUE;
      }
    }
  }

  /** The gauges of one monitored manager (their registrations guarded by the binder's lock). */
  private final class Monitored {
    final TokenManager manager;
    final String client;
    final List<Registration> registrations = new ArrayList<>();

    Monitored(TokenManager manager, String client) {
      this.manager = manager;
      this.client = client;
    }

    void registerIn(MeterRegistry registry) {
      // this binder holds the Monitored strongly, so Micrometer's weak reference to it stays valid
      Gauge expiry = Gauge.builder(EXPIRY, this, Monitored::secondsLeft)
          .tags(commonTags).tag(CLIENT_TAG, client).baseUnit("seconds")
          .description("Validity left on the held token; negative once it has expired, NaN while none is held")
          .register(registry);
      Gauge version = Gauge.builder(VERSION, this, Monitored::version)
          .tags(commonTags).tag(CLIENT_TAG, client)
          .description("Version of the held token, higher with each renewal in the fleet; 0 while none is held")
          .register(registry);
      registrations.add(new Registration(registry, expiry));
      registrations.add(new Registration(registry, version));
    }

    void removeFromRegistries() {
      registrations.forEach(Registration::remove);
      registrations.clear();
    }

    double secondsLeft() {
      TokenStatus status = manager.status();
      return status.timeLeft().map(CtcTokenMetrics::seconds).orElse(Double.NaN);
    }

    double version() {
      return manager.status().version();
    }
  }

  /**
   * Options of {@link CtcTokenMetrics}. Not thread-safe; {@link #build()} may be called more than
   * once, each time for a new, independent object.
   */
  public static final class Builder {

    private boolean hashClientIds;
    private Tags tags = Tags.empty();

    private Builder() {}

    /**
     * Tags meters with the first 8 hex digits of the SHA-256 of the clientId instead of the clientId,
     * for applications that treat client ids as sensitive. The hash is the same on every node and
     * after restarts, so dashboards can still group by it. Default false.
     */
    public Builder hashClientIds(boolean hash) {
      this.hashClientIds = hash;
      return this;
    }

    /**
     * Tags added to every meter, e.g. the application's name.
     *
     * @throws IllegalArgumentException if one of them is named {@value CtcTokenMetrics#CLIENT_TAG},
     *     {@value CtcTokenMetrics#REASON_TAG}, {@value CtcTokenMetrics#OUTCOME_TAG} or
     *     {@value CtcTokenMetrics#HEALED_BY_TAG}
     */
    public Builder tags(Iterable<Tag> tags) {
      Objects.requireNonNull(tags, "tags");
      for (Tag tag : tags) {
        String key = tag.getKey();
        if (key.equals(CLIENT_TAG) || key.equals(REASON_TAG) || key.equals(OUTCOME_TAG) || key.equals(HEALED_BY_TAG)) {
          throw new IllegalArgumentException("tag '" + key + "' is set by CtcTokenMetrics itself; choose another name");
        }
      }
      this.tags = this.tags.and(tags);
      return this;
    }

    /** The same as {@link #tags(Iterable)} with {@code key, value} pairs. */
    public Builder tags(String... keyValues) {
      return tags(Tags.of(keyValues));
    }

    public CtcTokenMetrics build() {
      return new CtcTokenMetrics(this);
    }

    @Override
    public String toString() {
      return "CtcTokenMetrics.Builder{hashClientIds=" + hashClientIds + ", tags=" + tags + "}";
    }
  }
}
