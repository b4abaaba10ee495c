package com.ctcfile.token.core.port;

import com.ctcfile.token.TokenProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects the body of one token reply up to {@link TransportRequest#maxBodyBytes()}, for adapters
 * whose library hands the body over in chunks. The chunk that would pass the limit is refused and
 * not stored, so no more than the limit is ever held; the adapter then stops reading, drops the
 * connection and completes with {@link #tooLarge()}.
 *
 * <p>One per exchange; not thread-safe (libraries deliver one exchange's chunks in order, on one
 * thread at a time).
 */
public final class ReplyBodyBuffer {

  private static final int FIRST_CAPACITY = 8 * 1024;

  private final TransportRequest request;
  private final int limit;
  private byte[] bytes;
  private int length;
  private boolean overflowed;

  public ReplyBodyBuffer(TransportRequest request) {
    this.request = request;
    this.limit = request.maxBodyBytes();
    this.bytes = new byte[Math.min(limit, FIRST_CAPACITY)];
  }

  /**
   * Whether a reply announcing {@code contentLength} bytes (negative when it announces none) fits:
   * when it does not, refuse it before reading a byte.
   */
  public boolean fits(long contentLength) {
    if (contentLength > limit) {
      overflowed = true;
      return false;
    }
    return true;
  }

  /** Adds {@code length} bytes of {@code chunk} from {@code offset}; {@code false}, storing nothing, if the limit would be passed. */
  public boolean append(byte[] chunk, int offset, int length) {
    if (overflowed || (long) this.length + length > limit) {
      overflowed = true;
      return false;
    }
    ensureRoom(length);
    System.arraycopy(chunk, offset, bytes, this.length, length);
    this.length += length;
    return true;
  }

  /** Adds the remaining bytes of {@code chunk}, consuming them; {@code false}, storing nothing, if the limit would be passed. */
  public boolean append(ByteBuffer chunk) {
    int n = chunk.remaining();
    if (overflowed || (long) length + n > limit) {
      overflowed = true;
      return false;
    }
    ensureRoom(n);
    chunk.get(bytes, length, n);
    length += n;
    return true;
  }

  /** Whether a chunk or an announced length passed the limit. */
  public boolean overflowed() {
    return overflowed;
  }

  /** Bytes collected so far. */
  public int length() {
    return length;
  }

  /** The reply of {@code statusCode} with the body collected. */
  public TransportResponse response(int statusCode) {
    return new TransportResponse(statusCode, Arrays.copyOf(bytes, length));
  }

  /** The failure an adapter completes with once the limit was passed. */
  public TokenProtocolException tooLarge() {
    return request.bodyTooLarge();
  }

  private void ensureRoom(int more) {
    int needed = length + more;
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(needed, (long) bytes.length * 2)));
    }
  }
}
