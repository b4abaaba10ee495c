package com.ctcfile.token.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What one token request of a {@link FakeCtcServer} gets instead of the normal reply. Queue faults
 * with {@link FakeCtcServer#enqueue(Fault)}; each is used once, first in, first out.
 *
 * <p>Immutable and thread-safe; one instance may be enqueued any number of times. Faults ignore
 * the request's credentials, except {@link #delay(Duration)} and {@link #lateIssue(Duration)}, which
 * serve the normal reply (credentials checked) after waiting. A fault issues a token only where its
 * description says so ({@link #delay}, {@link #lateIssue}, {@link #stallBody}, and
 * {@link #successWith} when its reply carries a token).
 *
 * <p><b>Late issues.</b> The server never watches a waiting request's connection: a fault that
 * waits ({@link #delay}, {@link #lateIssue}, the testkit's own hold) issues its token when the wait
 * ends and the reply is written, whether or not the client is still there. So a client that gave up
 * (its timeout passed, or core cancelled the fetch) leaves behind a token it never saw, which
 * invalidates the one before it: what the real endpoint does to a fetch whose outcome is unknown.
 * Only {@link FakeCtcServer#close()} ends a wait without issuing.
 *
 * <pre>{@code
 * server.enqueue(Fault.reply(503, "{\"message\":\"maintenance\"}"));
 * server.enqueue(Fault.errcode(40029, "rate limited"));
 * server.enqueue(Fault.successWith("{\"expires_in\":\"7200\"}"));
 * server.enqueue(Fault.dropConnection());
 * }</pre>
 *
 * @see FakeCtcServer
 */
public final class Fault {

  /** How the server acts on a fault; the server switches on it. */
  enum Kind {
    REPLY,
    SUCCESS_WITH,
    DELAY,
    DROP_CONNECTION,
    HUGE_BODY,
    STALL_BODY,
    HOLD
  }

  static final String JSON = "application/json";

  private final Kind kind;
  private final int status;
  private final String contentType;
  private final byte[] body;
  private final Map<String, String> overrides;
  private final Duration duration;
  private final long bytes;
  private final CountDownLatch release;
  private final List<String[]> headers;
  private final String description;

  private Fault(Kind kind, int status, String contentType, byte[] body, Map<String, String> overrides,
      Duration duration, long bytes, CountDownLatch release, List<String[]> headers, String description) {
    this.kind = kind;
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.overrides = overrides;
    this.duration = duration;
    this.bytes = bytes;
    this.release = release;
    this.headers = headers;
    this.description = description;
  }

  private static Fault of(Kind kind, String description) {
    return new Fault(kind, 200, JSON, new byte[0], Map.of(), Duration.ZERO, 0, null, List.of(), description);
  }

  /**
   * Replies {@code status} with {@code jsonBody} as {@code application/json}, e.g. a 500 without an
   * errcode or a 200 that is not JSON at all.
   *
   * @param status an HTTP status, 200 to 599
   * @param jsonBody the body, sent as UTF-8; need not be valid JSON
   * @throws IllegalArgumentException if the status is outside 200..599
   */
  public static Fault reply(int status, String jsonBody) {
    Objects.requireNonNull(jsonBody, "jsonBody");
    return reply(status, JSON, jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Replies {@code status} with exactly {@code body} (sent with a {@code Content-Length}) and the
   * given {@code Content-Type}.
   *
   * @param status an HTTP status, 200 to 599
   * @param contentType the {@code Content-Type} header value
   * @param body the body bytes, copied; empty for none
   * @throws IllegalArgumentException if the status is outside 200..599
   */
  public static Fault reply(int status, String contentType, byte[] body) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be 200..599: " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    return new Fault(Kind.REPLY, status, contentType, body.clone(), Map.of(), Duration.ZERO, 0, null, List.of(),
        "reply(" + status + ", " + contentType + ", " + body.length + " bytes)");
  }

  /**
   * Replies HTTP 200 with a CTC error: the usual reply fields, an empty {@code access_token}, and
   * {@code errcode} as given, a JSON string for a {@link CharSequence}, a JSON number for a
   * {@link Number}, JSON {@code null} for {@code null}.
   *
   * @param errcode the error code, e.g. {@code "40001"} or {@code 40001}
   * @param errmsg the error message; {@code null} means empty
   * @throws IllegalArgumentException if {@code errcode} is neither text, a finite number nor null
   */
  public static Fault errcode(Object errcode, String errmsg) {
    String rawErrcode;
    if (errcode == null) {
      rawErrcode = "null";
    } else if (errcode instanceof CharSequence) {
      rawErrcode = JsonText.quote(errcode.toString());
    } else if (errcode instanceof Number) {
      rawErrcode = JsonText.number((Number) errcode);
    } else {
      throw new IllegalArgumentException("errcode must be a string, a number or null: " + errcode.getClass().getName());
    }
    byte[] body = ReplyBodies.error(rawErrcode, errmsg == null ? "" : errmsg).getBytes(StandardCharsets.UTF_8);
    return new Fault(Kind.REPLY, 200, JSON, body, Map.of(), Duration.ZERO, 0, null, List.of(),
        "errcode(" + rawErrcode + ")");
  }

  /**
   * A success reply whose JSON object is the normal one with the members of
   * {@code jsonFieldsOverride} replacing or extending its fields; a member given as JSON
   * {@code null} removes that field. Examples: {@code {"expires_in":"7200"}} (a numeric string),
   * {@code {"access_token":"a b"}} (a token with a space), {@code {"expires_in":null}} (no
   * {@code expires_in} at all), {@code {"token_type":"MAC"}}.
   *
   * <p>If the reply carries a non-empty JSON string {@code access_token}, generated or given here,
   * it is issued: it becomes the server's current token (invalidating the previous one) and counts
   * as a fetch. If the override removes the token, empties it or makes it a non-string, nothing is
   * issued. The server still enforces its own lifetime, whatever {@code expires_in} says.
   *
   * @param jsonFieldsOverride a JSON object, e.g. {@code {"expires_in":"7200"}}
   * @throws IllegalArgumentException if the text is not a JSON object
   */
  public static Fault successWith(String jsonFieldsOverride) {
    Objects.requireNonNull(jsonFieldsOverride, "jsonFieldsOverride");
    Map<String, String> members = Collections.unmodifiableMap(JsonText.members(jsonFieldsOverride));
    return new Fault(Kind.SUCCESS_WITH, 200, JSON, new byte[0], members, Duration.ZERO, 0, null, List.of(),
        "successWith(" + members.keySet() + ")");
  }

  /**
   * Waits {@code delay}, then serves the normal reply (credentials checked, token issued at the end
   * of the wait, even if the client has given up by then: see the class documentation). Use it to
   * exceed a client's timeout.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, 200, JSON, new byte[0], Map.of(), requireNotNegative(delay, "delay"), 0, null,
        List.of(), "delay(" + delay + ")");
  }

  /**
   * A late issue, for fleet tests of fetches whose outcome is unknown: waits {@code delay}, then
   * issues a token and writes the normal reply (credentials checked), whether or not the client is
   * still waiting for it. Enqueue it with a {@code delay} past the client's fetch timeout: the
   * client gives up and reports an unknown outcome, and {@code delay} after the request arrived the
   * endpoint issues a token all the same, invalidating the current one;
   * {@link FakeCtcServer#fetches()} counts it from then on. Acts as {@link #delay(Duration)} does;
   * the name says what a test relies on.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Fault lateIssue(Duration delay) {
    return new Fault(Kind.DELAY, 200, JSON, new byte[0], Map.of(), requireNotNegative(delay, "delay"), 0, null,
        List.of(), "lateIssue(" + delay + ")");
  }

  /** Closes the connection without sending a single byte of reply. Issues no token. */
  public static Fault dropConnection() {
    return of(Kind.DROP_CONNECTION, "dropConnection()");
  }

  /**
   * Replies 200 ({@code application/json}, chunked, no {@code Content-Length}) with exactly
   * {@code bytes} bytes of body, a JSON-looking prefix and padding. Stops writing as soon as the
   * client goes away; {@link FakeCtcServer#lastReplyBytesWritten()} tells how far it got, which shows
   * whether a client stopped reading at its limit. Issues no token.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public static Fault hugeBody(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    return new Fault(Kind.HUGE_BODY, 200, JSON, new byte[0], Map.of(), Duration.ZERO, bytes, null, List.of(),
        "hugeBody(" + bytes + ")");
  }

  /**
   * Issues a token and starts the normal reply (200 headers and its first few body bytes), then
   * stalls for {@code stall} before sending the rest. A client whose timeout covers only the
   * connection and the headers waits out the whole stall; one that bounds the whole exchange fails
   * in time.
   *
   * @throws IllegalArgumentException if {@code stall} is negative
   */
  public static Fault stallBody(Duration stall) {
    return new Fault(Kind.STALL_BODY, 200, JSON, new byte[0], Map.of(), requireNotNegative(stall, "stall"), 0, null,
        List.of(), "stallBody(" + stall + ")");
  }

  /**
   * Holds the request until {@code release} reaches zero (or the server closes), then serves the
   * normal reply, issuing its token even if the client has given up; for tests that must know a
   * request is in flight without relying on timing.
   */
  static Fault hold(CountDownLatch release) {
    return new Fault(Kind.HOLD, 200, JSON, new byte[0], Map.of(), Duration.ZERO, 0,
        Objects.requireNonNull(release, "release"), List.of(), "hold()");
  }

  /** This fault with one more reply header, e.g. a {@code Location} on a redirect reply. */
  Fault withHeader(String name, String value) {
    List<String[]> more = new ArrayList<>(headers);
    more.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
    return new Fault(kind, status, contentType, body, overrides, duration, bytes, release,
        Collections.unmodifiableList(more), description + ".withHeader(" + name + ")");
  }

  Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  /** The body bytes; never modify them. */
  byte[] body() {
    return body;
  }

  Map<String, String> overrides() {
    return overrides;
  }

  Duration duration() {
    return duration;
  }

  long bytes() {
    return bytes;
  }

  CountDownLatch release() {
    return release;
  }

  List<String[]> headers() {
    return headers;
  }

  private static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  // names the kind and shape only: an overridden access_token or errmsg is not repeated here
  @Override
  public String toString() {
    return "Fault." + description;
  }
}
