package com.ctcfile.token.core.port;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The time source of a {@code TokenManager} or {@code InMemoryTokenStore}: a monotonic reading for
 * measuring intervals and a wall-clock reading for {@link com.ctcfile.token.AccessToken#expiresAt()}.
 *
 * <p>Production code uses {@link #system()}. Tests inject their own to move time by hand; see
 * {@code TokenManagerBuilder.clock(TokenClock)} for what that costs on the hot path.
 */
public interface TokenClock {

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();

  /** The current wall-clock instant. */
  Instant instant();

  /** {@link System#nanoTime()} and {@link Clock#systemUTC()}. */
  static TokenClock system() {
    return SystemClock.INSTANCE;
  }

  /** A clock reading both values from {@code clock}, for tests that already own a {@link Clock}. */
  static TokenClock of(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new TokenClock() {
      @Override
      public long nanoTime() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
      }

      @Override
      public Instant instant() {
        return clock.instant();
      }

      @Override
      public String toString() {
        return "TokenClock.of(" + clock + ")";
      }
    };
  }

  /** The one system clock, a singleton so a manager can tell it from an injected one. */
  final class SystemClock implements TokenClock {
    private static final SystemClock INSTANCE = new SystemClock();
    private static final Clock UTC = Clock.systemUTC();

    private SystemClock() {}

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant instant() {
      return UTC.instant();
    }

    @Override
    public String toString() {
      return "TokenClock.system()";
    }
  }
}
