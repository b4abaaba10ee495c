package com.ctcfile.token.testkit;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The clients a {@link FakeCtcServer} knows: each one's credentials, {@link TokenLedger} and counters,
 * and the index that tells which client holds a token. The token endpoint and the protected API share
 * it. Thread-safe: the set of clients is fixed when the server is built; counters are atomic; the
 * index is a concurrent map that each ledger updates under its own lock.
 */
final class KnownClients {

  /** One client: its credentials, its ledger, and what the server did for it. */
  static final class Client {
    final String id;
    private final String secret;
    final TokenLedger ledger;
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();

    private Client(String id, String secret, TokenLedger ledger) {
      this.id = id;
      this.secret = secret;
      this.ledger = ledger;
    }

    String secret() {
      return secret;
    }

    @Override
    public String toString() {
      return "Client{" + id + "}";
    }
  }

  private final Map<String, Client> byId;
  private final Client first;
  // every token a ledger holds (current or in its grace period), to that ledger
  private final ConcurrentHashMap<String, TokenLedger> holders;
  private final Map<TokenLedger, Client> byLedger;

  /**
   * @param credentials client id to secret, the first entry being the server's first client; not empty
   */
  KnownClients(Map<String, String> credentials, Duration lifetime, Duration grace, int tokenLength,
      LongSupplier nanoClock) {
    SecureRandom random = new SecureRandom();
    this.holders = new ConcurrentHashMap<>(Math.max(16, credentials.size() * 2));
    Map<String, Client> clients = new LinkedHashMap<>(Math.max(16, credentials.size() * 2));
    Map<TokenLedger, Client> ledgers = new IdentityHashMap<>(credentials.size());
    credentials.forEach((id, secret) -> {
      Client client = new Client(id, secret, new TokenLedger(lifetime, grace, tokenLength, nanoClock, random, holders));
      clients.put(id, client);
      ledgers.put(client.ledger, client);
    });
    this.byId = Collections.unmodifiableMap(clients);
    this.byLedger = ledgers;
    this.first = clients.values().iterator().next();
  }

  /** The client the single-client methods of {@link FakeCtcServer} are about. */
  Client first() {
    return first;
  }

  /** Every client id, the first one first. */
  Set<String> ids() {
    return byId.keySet();
  }

  int size() {
    return byId.size();
  }

  /** The client of {@code id}; {@code null} if there is none (or {@code id} is null). */
  Client find(String id) {
    return id == null ? null : byId.get(id);
  }

  /**
   * The client of {@code id}.
   *
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if the server knows no such client
   */
  Client require(String id) {
    if (id == null) {
      throw new NullPointerException("clientId");
    }
    Client client = byId.get(id);
    if (client == null) {
      throw new IllegalArgumentException("FakeCtcServer knows no clientId " + id);
    }
    return client;
  }

  /** The client these credentials are right for; {@code null} if the id is unknown or the secret wrong. */
  Client authenticate(String id, String secret) {
    Client client = find(id);
    return client != null && client.secret.equals(secret) ? client : null;
  }

  /** The client whose ledger accepts {@code token} now; {@code null} if none does. */
  Client accepting(String token) {
    TokenLedger ledger = holders.get(token);
    return ledger != null && ledger.accepts(token) ? byLedger.get(ledger) : null;
  }
}
