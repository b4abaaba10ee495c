package com.ctcfile.token.core;

import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.wire.TokenRequestUri;
import java.net.URI;
import java.time.Duration;

/**
 * One client's credentials as the fetcher uses them: the token request, which carries the secret in
 * its query, and the redactor that hides that secret. A {@link TokenRegistry} may switch a client to
 * a new secret (rotation); the redactor then keeps hiding the old one too, since a request sent with
 * it may still fail later and echo it.
 */
final class Credentials {

  private record Current(String secret, TransportRequest request, Redactor redactor) {}

  private final URI endpoint;
  private final String clientId;
  private final Duration fetchTimeout;
  private volatile Current current;

  Credentials(URI endpoint, String clientId, String secret, Duration fetchTimeout) {
    this.endpoint = endpoint;
    this.clientId = clientId;
    this.fetchTimeout = fetchTimeout;
    this.current = new Current(secret, request(secret), Redactor.forSecret(secret));
  }

  TransportRequest request() {
    return current.request;
  }

  Redactor redactor() {
    return current.redactor;
  }

  /** Whether {@code secret} is the one in use. */
  boolean uses(String secret) {
    return current.secret.equals(secret);
  }

  /** Uses {@code secret} for every later fetch; fetches already sent keep theirs. */
  synchronized void rotate(String secret) {
    Current was = current;
    if (!was.secret.equals(secret)) {
      current = new Current(secret, request(secret), was.redactor.alsoHiding(Redactor.forSecret(secret)));
    }
  }

  private TransportRequest request(String secret) {
    return new TransportRequest(TokenRequestUri.of(endpoint, clientId, secret), fetchTimeout,
        TransportRequest.DEFAULT_MAX_BODY_BYTES);
  }
}
