package com.ctcfile.token.core;

import com.ctcfile.token.CtcApiException;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.RenewalRateLimitedException;
import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.TokenStoreException;
import com.ctcfile.token.TokenTransportException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Keeps secrets out of text that leaves the library: quoted reply bodies, error messages and whole
 * exception chains.
 *
 * <p>The secret travels in the query string, so any layer below us (an HTTP library, a JDBC driver)
 * may echo it in an exception message. Rather than trust every adapter, core passes every failure
 * through {@link #scrub} before a caller, a listener or a log line sees it.
 */
final class Redactor {

  static final String MASK = "<redacted>";

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** Hides {@code secret} in its raw form and in the encoded forms it takes in a URI. */
  static Redactor forSecret(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    String formEncoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    forms.add(formEncoded);
    forms.add(formEncoded.replace("+", "%20"));
    forms.removeIf(String::isEmpty);
    return new Redactor(List.copyOf(forms));
  }

  /** This redactor also hiding what {@code other} hides. */
  Redactor alsoHiding(Redactor other) {
    List<String> more = new ArrayList<>(secrets);
    for (String secret : other.secrets) {
      if (!more.contains(secret)) {
        more.add(secret);
      }
    }
    return new Redactor(List.copyOf(more));
  }

  /** This redactor also hiding {@code value}, for failures that happen while a token is in hand. */
  Redactor alsoHiding(String value) {
    List<String> more = new ArrayList<>(secrets);
    more.add(value);
    return new Redactor(List.copyOf(more));
  }

  /** {@code text} with every secret replaced by a mask. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
    }
    return result;
  }

  /**
   * Returns {@code failure} as a {@link CtcTokenException} whose message and whole cause chain are free
   * of secrets. A clean typed exception is returned as is; anything else is rebuilt, keeping each
   * exception's type where it is one of ours and its stack trace. Failures that are not ours are
   * wrapped by {@code wrapForeign} (message, scrubbed cause).
   */
  CtcTokenException scrub(Throwable failure, BiFunction<String, Throwable, CtcTokenException> wrapForeign) {
    Throwable root = Failures.unwrap(failure);
    if (root instanceof CtcTokenException && isClean(root, new IdentityHashMap<>())) {
      return (CtcTokenException) root;
    }
    if (root instanceof CtcTokenException) {
      return (CtcTokenException) rebuild(root, new IdentityHashMap<>());
    }
    Throwable cleanCause = rebuild(root, new IdentityHashMap<>());
    String message = root.getMessage() == null ? root.getClass().getName()
        : root.getClass().getName() + ": " + redact(root.getMessage());
    return wrapForeign.apply(message, cleanCause);
  }

  private boolean isClean(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, Boolean.TRUE) != null) {
      return true;
    }
    String message = t.getMessage();
    if (message != null && !message.equals(redact(message))) {
      return false;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (!isClean(suppressed, seen)) {
        return false;
      }
    }
    return isClean(t.getCause(), seen);
  }

  private Throwable rebuild(Throwable t, Map<Throwable, Throwable> done) {
    if (t == null) {
      return null;
    }
    Throwable already = done.get(t);
    if (already != null) {
      return already;
    }
    if (isClean(t, new IdentityHashMap<>())) {
      done.put(t, t);
      return t;
    }
    Throwable cause = rebuild(t.getCause(), done);
    Throwable copy = copyOf(t, redact(t.getMessage()), cause);
    copy.setStackTrace(t.getStackTrace());
    for (Throwable suppressed : t.getSuppressed()) {
      copy.addSuppressed(rebuild(suppressed, done));
    }
    done.put(t, copy);
    return copy;
  }

  private Throwable copyOf(Throwable t, String message, Throwable cause) {
    if (t instanceof CtcApiException) {
      CtcApiException api = (CtcApiException) t;
      return new CtcApiException(redact(api.errcode()), redact(api.errmsg()), api.httpStatus(), cause);
    }
    if (t instanceof TokenTransportException) {
      TokenTransportException transport = (TokenTransportException) t;
      return new TokenTransportException(message, transport.httpStatus(), transport.outcomeUnknown(), cause);
    }
    if (t instanceof TokenProtocolException) {
      return new TokenProtocolException(message, cause);
    }
    if (t instanceof TokenStoreException) {
      return new TokenStoreException(message, cause);
    }
    if (t instanceof RenewalRateLimitedException) {
      return new RenewalRateLimitedException(message, ((RenewalRateLimitedException) t).retryAfter());
    }
    if (t instanceof CtcTokenException) {
      return new CtcTokenException(message, cause);
    }
    return new RedactedException(t.getClass().getName() + ": " + message, cause);
  }

  /** Stands in for a foreign exception whose message held a secret: its type name, the message masked. */
  static final class RedactedException extends RuntimeException {
    RedactedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
