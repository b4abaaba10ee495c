package com.ctcfile.token.testkit;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The fake server's token state: the current token, the replaced ones still in their grace period,
 * and the rule deciding which token the protected endpoint accepts. Thread-safe (one lock; it guards
 * a few fields and no I/O).
 */
final class TokenLedger {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  /** A token, the moment it was issued, on the ledger's clock, and how long it lives. */
  private static final class Issued {
    final String value;
    final long issuedAt;
    final long lifetimeNanos;
    long replacedAt;

    Issued(String value, long issuedAt, long lifetimeNanos) {
      this.value = value;
      this.issuedAt = issuedAt;
      this.lifetimeNanos = lifetimeNanos;
    }
  }

  private final long lifetimeNanos;
  private final long graceNanos;
  private final int tokenLength;
  private final LongSupplier nanoClock;
  private final SecureRandom random = new SecureRandom();
  private final ArrayDeque<Issued> replaced = new ArrayDeque<>();
  private Issued current;

  TokenLedger(Duration lifetime, Duration grace, int tokenLength, LongSupplier nanoClock) {
    this.lifetimeNanos = lifetime.toNanos();
    this.graceNanos = grace.toNanos();
    this.tokenLength = tokenLength;
    this.nanoClock = nanoClock;
  }

  /** Issues a freshly generated token of the default lifetime, replacing the current one. */
  synchronized String issueNew() {
    return issueNew(Duration.ofNanos(lifetimeNanos));
  }

  /** Issues a freshly generated token of {@code lifetime}, replacing the current one. */
  synchronized String issueNew(Duration lifetime) {
    String value = newValue();
    install(value, lifetime);
    return value;
  }

  /** A freshly generated token, different from the current one; not issued. */
  synchronized String newValue() {
    String value;
    do {
      value = generate();
    } while (current != null && current.value.equals(value));
    return value;
  }

  /** Makes {@code value}, of {@code lifetime}, the current token, replacing the current one. */
  synchronized void install(String value, Duration lifetime) {
    long now = nanoClock.getAsLong();
    if (current != null && graceNanos > 0) {
      current.replacedAt = now;
      replaced.addLast(current);
    }
    current = new Issued(value, now, lifetime.toNanos());
    forgetPastGrace(now);
  }

  /** Whether the protected endpoint accepts {@code value} now. */
  synchronized boolean accepts(String value) {
    long now = nanoClock.getAsLong();
    forgetPastGrace(now);
    if (current != null && current.value.equals(value)) {
      return isAlive(current, now);
    }
    for (Issued old : replaced) {
      if (old.value.equals(value)) {
        return isAlive(old, now);
      }
    }
    return false;
  }

  /** The current token, empty if none was issued yet or it has expired. */
  synchronized Optional<String> current() {
    return current != null && isAlive(current, nanoClock.getAsLong()) ? Optional.of(current.value) : Optional.empty();
  }

  private boolean isAlive(Issued token, long now) {
    return now - token.issuedAt < token.lifetimeNanos;
  }

  private void forgetPastGrace(long now) {
    for (Iterator<Issued> it = replaced.iterator(); it.hasNext(); ) {
      if (now - it.next().replacedAt >= graceNanos) {
        it.remove();
      }
    }
  }

  // looks like the JWT of the CTC sample: "eyJ" segments joined by dots
  private String generate() {
    char[] chars = new char[tokenLength];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    if (tokenLength >= 16) {
      int firstDot = tokenLength * 26 / 100;
      int secondDot = tokenLength * 57 / 100;
      "eyJ".getChars(0, 3, chars, 0);
      "eyJ".getChars(0, 3, chars, firstDot + 1);
      chars[firstDot] = '.';
      chars[secondDot] = '.';
    }
    return new String(chars);
  }
}
