package com.ctcfile.token.core.port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TokenStore} holds for one key, read at one moment. Immutable.
 *
 * <p>Every time is a duration relative to the store's own clock at the moment of the read, never an
 * absolute instant: node clocks may be minutes apart, and relative times let each node map the shared
 * expiry and lease onto its own monotonic clock. A negative {@link #expiresIn()} means the token has
 * expired. {@link #toString()} never prints the token value.
 */
public final class StoredToken {

  private final TokenKey key;
  private final long version;
  private final String value;
  private final String type;
  private final Duration expiresIn;
  private final Duration lifetime;
  private final String leaseOwner;
  private final Duration leaseExpiresIn;
  private final Duration fetchedAgo;
  private final String lastError;
  private final Duration nextAttemptIn;
  private final Duration settleIn;
  private final Duration rejectionFetchAgo;

  private StoredToken(Builder b) {
    this.key = Objects.requireNonNull(b.key, "key");
    if (b.version < 0) {
      throw new IllegalArgumentException("version must not be negative: " + b.version);
    }
    if ((b.value == null) != (b.version == 0)) {
      throw new IllegalArgumentException("a token is stored exactly when version > 0 (version " + b.version + ")");
    }
    this.version = b.version;
    this.value = b.value;
    this.type = b.type == null || b.type.isEmpty() ? "Bearer" : b.type;
    this.expiresIn = Objects.requireNonNull(b.expiresIn, "expiresIn");
    this.lifetime = Objects.requireNonNull(b.lifetime, "lifetime");
    this.leaseOwner = b.leaseOwner;
    this.leaseExpiresIn = b.leaseOwner == null ? Duration.ZERO : Objects.requireNonNull(b.leaseExpiresIn, "leaseExpiresIn");
    this.fetchedAgo = Objects.requireNonNull(b.fetchedAgo, "fetchedAgo");
    this.lastError = b.lastError;
    this.nextAttemptIn = Objects.requireNonNull(b.nextAttemptIn, "nextAttemptIn");
    this.settleIn = Objects.requireNonNull(b.settleIn, "settleIn");
    this.rejectionFetchAgo = b.rejectionFetchAgo;
  }

  public static Builder builder(TokenKey key) {
    return new Builder(key);
  }

  public TokenKey key() {
    return key;
  }

  /** 0 while no token was ever published for the key; grows by one with every publish. */
  public long version() {
    return version;
  }

  /** The token value, empty when {@link #version()} is 0. Treat it as a secret. */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }

  /** The token type, {@code Bearer} when none was stored. */
  public String type() {
    return type;
  }

  /** Time left until the stored token expires, by the store's clock; negative once it has. */
  public Duration expiresIn() {
    return expiresIn;
  }

  /** The {@code expires_in} the token was issued with; zero when no token is stored. */
  public Duration lifetime() {
    return lifetime;
  }

  /**
   * How long ago the stored token was published, by the store's clock; zero when no token is stored.
   * Tells which of two different tokens was issued later, whatever their versions say (a store's
   * version can be set back by a restore; the publish time of each token is restored with it).
   */
  public Duration fetchedAgo() {
    return fetchedAgo;
  }

  /** Whether a token is stored and has not expired by the store's clock. */
  public boolean hasValidToken() {
    return value != null && expiresIn.compareTo(Duration.ZERO) > 0;
  }

  /** The node holding the renewal lease, if a lease is live. */
  public Optional<String> leaseOwner() {
    return isLeased() ? Optional.of(leaseOwner) : Optional.empty();
  }

  /** Time left on the renewal lease; zero or negative when none is live. */
  public Duration leaseExpiresIn() {
    return leaseExpiresIn;
  }

  /** Whether some node holds a lease that has not run out. */
  public boolean isLeased() {
    return leaseOwner != null && leaseExpiresIn.compareTo(Duration.ZERO) > 0;
  }

  /** The short code of the last failed fetch (never a secret), cleared by the next publish. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** How long the fleet should wait before the next fetch after a failure; zero or negative if it need not. */
  public Duration nextAttemptIn() {
    return nextAttemptIn;
  }

  /**
   * Time left while the fleet settles after a fetch of unknown outcome (see
   * {@link FetchFailure#settle()}): no lease is granted before it has passed. Zero or negative when the
   * fleet is not settling.
   */
  public Duration settleIn() {
    return settleIn;
  }

  /** Whether the fleet is settling after a fetch of unknown outcome. */
  public boolean isSettling() {
    return settleIn.compareTo(Duration.ZERO) > 0;
  }

  /**
   * How long ago, by the store's clock, the key's latest rejection-triggered lease was granted; empty
   * if none ever was.
   */
  public Optional<Duration> rejectionFetchAgo() {
    return Optional.ofNullable(rejectionFetchAgo);
  }

  @Override
  public String toString() {
    return "StoredToken{key=" + key + ", version=" + version
        + (value == null ? ", no token" : ", value=<" + value.length() + " chars>, expiresIn=" + expiresIn)
        + (isLeased() ? ", lease=" + leaseOwner + " for " + leaseExpiresIn : "")
        + (lastError == null ? "" : ", lastError=" + lastError + ", nextAttemptIn=" + nextAttemptIn)
        + (isSettling() ? ", settleIn=" + settleIn : "")
        + "}";
  }

  /** Builds a {@link StoredToken}; stores use it to turn a row into a value. */
  public static final class Builder {
    private final TokenKey key;
    private long version;
    private String value;
    private String type;
    private Duration expiresIn = Duration.ZERO;
    private Duration lifetime = Duration.ZERO;
    private String leaseOwner;
    private Duration leaseExpiresIn = Duration.ZERO;
    private Duration fetchedAgo = Duration.ZERO;
    private String lastError;
    private Duration nextAttemptIn = Duration.ZERO;
    private Duration settleIn = Duration.ZERO;
    private Duration rejectionFetchAgo;

    private Builder(TokenKey key) {
      this.key = key;
    }

    /** The token of {@code version}; {@code value} must be {@code null} exactly when version is 0. */
    public Builder token(long version, String value, String type, Duration expiresIn, Duration lifetime) {
      this.version = version;
      this.value = value;
      this.type = type;
      this.expiresIn = expiresIn;
      this.lifetime = lifetime;
      return this;
    }

    /** A lease held by {@code owner}, or none when {@code owner} is {@code null}. */
    public Builder lease(String owner, Duration expiresIn) {
      this.leaseOwner = owner;
      this.leaseExpiresIn = expiresIn;
      return this;
    }

    /** The last failure's code and the fleet's backoff, or none when {@code code} is {@code null}. */
    public Builder lastError(String code, Duration nextAttemptIn) {
      this.lastError = code;
      this.nextAttemptIn = nextAttemptIn == null ? Duration.ZERO : nextAttemptIn;
      return this;
    }

    /** When the token was published: this long ago by the store's clock. */
    public Builder fetchedAgo(Duration ago) {
      this.fetchedAgo = ago == null ? Duration.ZERO : ago;
      return this;
    }

    /** The fleet settles for this much longer; zero, negative or {@code null} when it does not. */
    public Builder settleIn(Duration settleIn) {
      this.settleIn = settleIn == null ? Duration.ZERO : settleIn;
      return this;
    }

    /** The latest rejection-triggered lease was granted this long ago; {@code null} if none was. */
    public Builder rejectionFetchAgo(Duration ago) {
      this.rejectionFetchAgo = ago;
      return this;
    }

    public StoredToken build() {
      return new StoredToken(this);
    }
  }
}
