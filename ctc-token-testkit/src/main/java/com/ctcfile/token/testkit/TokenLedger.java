package com.ctcfile.token.testkit;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * One client's token state on the fake server: the current token, the replaced ones still in their
 * grace period, and the rule deciding which of them the protected endpoint accepts. Each token it
 * holds is also entered in an index shared by every client's ledger (token value to ledger), so the
 * protected endpoint finds a token's ledger without asking every client, and new tokens are distinct
 * from every token any client holds. Thread-safe (one lock per ledger; it guards a few fields and no
 * I/O).
 */
final class TokenLedger {

  // generating a value that no client holds gives up after this many draws: the length is too short
  private static final int MAX_DRAWS = 1_000;

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
  private final SecureRandom random;
  private final ConcurrentMap<String, TokenLedger> holders;
  private final ArrayDeque<Issued> replaced = new ArrayDeque<>();
  private Issued current;

  /**
   * @param random shared by every ledger of a server (it is thread-safe)
   * @param holders the index of every token held by any ledger of the server, to its ledger
   */
  TokenLedger(Duration lifetime, Duration grace, int tokenLength, LongSupplier nanoClock, SecureRandom random,
      ConcurrentMap<String, TokenLedger> holders) {
    this.lifetimeNanos = lifetime.toNanos();
    this.graceNanos = grace.toNanos();
    this.tokenLength = tokenLength;
    this.nanoClock = nanoClock;
    this.random = random;
    this.holders = holders;
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

  /**
   * A freshly generated token, different from every token a ledger of the server holds; not issued.
   *
   * @throws IllegalStateException if the configured token length leaves no such value to be found
   */
  synchronized String newValue() {
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      String value = generate();
      if (!holders.containsKey(value)) {
        return value;
      }
    }
    throw new IllegalStateException("tokenLength " + tokenLength + " is too short: no token distinct from the "
        + holders.size() + " held was found");
  }

  /** Makes {@code value}, of {@code lifetime}, the current token, replacing the current one. */
  synchronized void install(String value, Duration lifetime) {
    long now = nanoClock.getAsLong();
    Issued previous = current;
    current = new Issued(value, now, lifetime.toNanos());
    holders.put(value, this);
    if (previous != null) {
      if (graceNanos > 0) {
        previous.replacedAt = now;
        replaced.addLast(previous);
      } else {
        release(previous);
      }
    }
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
      Issued old = it.next();
      if (now - old.replacedAt >= graceNanos) {
        it.remove();
        release(old);
      }
    }
  }

  // the index entry goes unless the same value was installed again meanwhile (a successWith fault can)
  private void release(Issued token) {
    if ((current == null || !current.value.equals(token.value)) && !isReplaced(token.value)) {
      holders.remove(token.value, this);
    }
  }

  private boolean isReplaced(String value) {
    for (Issued old : replaced) {
      if (old.value.equals(value)) {
        return true;
      }
    }
    return false;
  }

  // looks like the JWT of the CTC sample: "eyJ" segments joined by dots; one draw of random bytes per
  // token (a draw per character would make thousands of fetches a second queue on the generator's lock)
  private String generate() {
    byte[] bits = new byte[tokenLength];
    random.nextBytes(bits);
    char[] chars = new char[tokenLength];
    for (int i = 0; i < chars.length; i++) {
      // 64 symbols: the low six bits of a random byte pick one uniformly
      chars[i] = ALPHABET[bits[i] & 0x3f];
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
