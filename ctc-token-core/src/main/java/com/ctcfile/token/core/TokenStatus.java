package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TokenManager} is doing, as one immutable snapshot from {@link TokenManager#status()}:
 * for health checks, metrics, the {@code ctc-token status} command and log lines.
 *
 * <p>It never carries the token or the secret, and the last failure is only a short code and an
 * exception type, never a message (messages may quote a URI). {@link #toString()} is a one-line
 * summary in the wording every ctc-token tool uses. {@link #healthy()} is the one rule, used by every
 * health integration, that tells whether the token is usable.
 */
public final class TokenStatus {

  /** The manager's state; exactly one holds at a time. */
  public enum State {
    /** No token was fetched or adopted yet, and none is being renewed. */
    NO_TOKEN("no token yet"),
    /** A valid token is held and no renewal is running. */
    VALID("valid"),
    /** A renewal is running (fetch, lease wait, or store call); a valid token may still be served. */
    RENEWING("renewing"),
    /** The last renewal failed and the next attempt waits for its backoff. */
    BACKING_OFF("backing off"),
    /** The held token has expired and no renewal is running or waiting. */
    EXPIRED("expired"),
    /** The manager was closed. */
    CLOSED("closed");

    private final String words;

    State(String words) {
      this.words = words;
    }

    /** The state in the words of the status line, e.g. {@code backing off}. */
    public String words() {
      return words;
    }
  }

  private final TokenKey key;
  private final State state;
  private final long version;
  private final Instant expiresAt;
  private final Duration timeLeft;
  private final Instant lastRenewal;
  private final String lastFailureCode;
  private final String lastFailureType;
  private final Instant nextAttempt;
  private final boolean holdsLease;
  private final boolean storeReachable;

  private TokenStatus(Builder b) {
    this.key = Objects.requireNonNull(b.key, "key");
    this.state = Objects.requireNonNull(b.state, "state");
    this.version = b.version;
    this.expiresAt = b.expiresAt;
    this.timeLeft = b.timeLeft;
    this.lastRenewal = b.lastRenewal;
    this.lastFailureCode = b.lastFailureCode;
    this.lastFailureType = b.lastFailureType;
    this.nextAttempt = b.nextAttempt;
    this.holdsLease = b.holdsLease;
    this.storeReachable = b.storeReachable;
  }

  static Builder builder(TokenKey key, State state) {
    return new Builder(key, state);
  }

  /** The key the manager renews. */
  public TokenKey key() {
    return key;
  }

  public State state() {
    return state;
  }

  /** The held token's version; 0 while none is held. */
  public long version() {
    return version;
  }

  /** When the held token expires; empty while none is held. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * Validity left on the held token when the snapshot was taken, by the node's monotonic clock:
   * negative once it has expired; empty while none is held.
   */
  public Optional<Duration> timeLeft() {
    return Optional.ofNullable(timeLeft);
  }

  /** When the last renewal succeeded (fetched here or adopted from the store); empty before the first. */
  public Optional<Instant> lastRenewal() {
    return Optional.ofNullable(lastRenewal);
  }

  /**
   * The short code of the last failed renewal since the last success, such as {@code transport:503},
   * {@code transport}, {@code api:40001}, {@code protocol}, {@code store}, {@code rate-limited},
   * {@code settling} or {@code error}; empty when the last renewal succeeded.
   */
  public Optional<String> lastFailureCode() {
    return Optional.ofNullable(lastFailureCode);
  }

  /** The simple class name of the last failure's exception, e.g. {@code TokenTransportException}; empty with no failure. */
  public Optional<String> lastFailureType() {
    return Optional.ofNullable(lastFailureType);
  }

  /** When the next renewal attempt may start while backing off; empty otherwise. */
  public Optional<Instant> nextAttempt() {
    return Optional.ofNullable(nextAttempt);
  }

  /** Whether this node holds the fleet's renewal lease right now (it is fetching). */
  public boolean holdsLease() {
    return holdsLease;
  }

  /** Whether the last call to the store succeeded (true before the first). */
  public boolean storeReachable() {
    return storeReachable;
  }

  /** Whether a valid token is held right now. */
  public boolean hasValidToken() {
    return timeLeft != null && timeLeft.compareTo(Duration.ZERO) > 0;
  }

  /**
   * The health rule every ctc-token health check applies: healthy while a valid token is held, or
   * while none is held but none has failed to arrive either (nothing was asked yet, or a renewal is
   * running); unhealthy when no valid token is held and the last renewal failed, and when closed.
   */
  public boolean healthy() {
    if (state == State.CLOSED) {
      return false;
    }
    return hasValidToken() || lastFailureCode == null;
  }

  /**
   * The fields as name and value, in the order an operator reads them, for health checks and other
   * structured reports: {@code state} (the {@link State} name), {@code version}, then {@code expiresAt},
   * {@code timeLeft}, {@code lastRenewal}, {@code lastFailureCode}, {@code lastFailureType},
   * {@code nextAttempt} (ISO-8601 strings) when present, and {@code storeReachable}. The key is left
   * out: a report names its client its own way, hashed or not. Unmodifiable.
   */
  public Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state.name());
    details.put("version", version);
    expiresAt().ifPresent(at -> details.put("expiresAt", at.toString()));
    timeLeft().ifPresent(left -> details.put("timeLeft", left.toString()));
    lastRenewal().ifPresent(at -> details.put("lastRenewal", at.toString()));
    lastFailureCode().ifPresent(code -> details.put("lastFailureCode", code));
    lastFailureType().ifPresent(type -> details.put("lastFailureType", type));
    nextAttempt().ifPresent(at -> details.put("nextAttempt", at.toString()));
    details.put("storeReachable", storeReachable);
    return Collections.unmodifiableMap(details);
  }

  /**
   * One line, e.g. {@code client-1@coresite.ctcfile.com: valid, version 7, expires in 59m 58s, last
   * renewal 2026-12-02T09:31:07Z}; with a failure also {@code last failure transport:503
   * (TokenTransportException), next attempt 2026-12-02T09:31:09Z}; and {@code holds the lease},
   * {@code store unreachable} when they apply.
   */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder().append(key).append(": ").append(state.words());
    if (version > 0) {
      line.append(", version ").append(version);
    }
    if (timeLeft != null) {
      line.append(timeLeft.compareTo(Duration.ZERO) > 0
          ? ", expires in " + describe(timeLeft)
          : ", expired " + describe(timeLeft.negated()) + " ago");
    }
    if (lastRenewal != null) {
      line.append(", last renewal ").append(lastRenewal);
    }
    if (lastFailureCode != null) {
      line.append(", last failure ").append(lastFailureCode);
      if (lastFailureType != null) {
        line.append(" (").append(lastFailureType).append(')');
      }
    }
    if (nextAttempt != null) {
      line.append(", next attempt ").append(nextAttempt);
    }
    if (holdsLease) {
      line.append(", holds the lease");
    }
    if (!storeReachable) {
      line.append(", store unreachable");
    }
    return line.toString();
  }

  /**
   * A duration as every ctc-token tool writes it for people: {@code 850 ms}, {@code 2.4 s},
   * {@code 3 s}, {@code 59m 58s}, {@code 5m}, {@code 2h 5m}, {@code 1h}, {@code 3d 4h}. The sign is
   * dropped: callers say "in" or "ago".
   */
  public static String describe(Duration duration) {
    Duration d = duration.abs();
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      long tenths = (millis + 50) / 100;
      return tenths % 10 == 0 ? (tenths / 10) + " s" : (tenths / 10) + "." + (tenths % 10) + " s";
    }
    long seconds = d.getSeconds();
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    if (days > 0) {
      return hours == 0 ? days + "d" : days + "d " + hours + "h";
    }
    if (hours > 0) {
      return minutes == 0 ? hours + "h" : hours + "h " + minutes + "m";
    }
    return secs == 0 ? minutes + "m" : minutes + "m " + secs + "s";
  }

  /** Assembles a snapshot; the manager fills it under its lock. */
  static final class Builder {
    private final TokenKey key;
    private final State state;
    private long version;
    private Instant expiresAt;
    private Duration timeLeft;
    private Instant lastRenewal;
    private String lastFailureCode;
    private String lastFailureType;
    private Instant nextAttempt;
    private boolean holdsLease;
    private boolean storeReachable = true;

    private Builder(TokenKey key, State state) {
      this.key = key;
      this.state = state;
    }

    Builder token(long version, Instant expiresAt, Duration timeLeft) {
      this.version = version;
      this.expiresAt = expiresAt;
      this.timeLeft = timeLeft;
      return this;
    }

    Builder lastRenewal(Instant at) {
      this.lastRenewal = at;
      return this;
    }

    Builder lastFailure(String code, String type) {
      this.lastFailureCode = code;
      this.lastFailureType = type;
      return this;
    }

    Builder nextAttempt(Instant at) {
      this.nextAttempt = at;
      return this;
    }

    Builder holdsLease(boolean holds) {
      this.holdsLease = holds;
      return this;
    }

    Builder storeReachable(boolean reachable) {
      this.storeReachable = reachable;
      return this;
    }

    TokenStatus build() {
      return new TokenStatus(this);
    }
  }
}
