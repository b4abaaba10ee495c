package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.TokenProtocolException;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Collects a reply of at most {@link TransportRequest#maxBodyBytes()} body bytes.
 *
 * <p>A body that announces or turns out to be longer completes the transport's stage with
 * {@link TokenProtocolException} first and then throws an {@link IOException} into HttpClient, which
 * makes it abort the exchange and close the connection rather than read the rest. Used by one
 * exchange only; HttpClient calls it from one I/O thread at a time.
 */
final class BoundedBodyConsumer implements AsyncResponseConsumer<TransportResponse> {

  private static final int FIRST_CAPACITY = 1024;

  private final TransportRequest request;
  private final CompletableFuture<TransportResponse> result;
  private final int maxBodyBytes;
  private FutureCallback<TransportResponse> callback;
  private int status;
  private byte[] buffer;
  private int length;

  BoundedBodyConsumer(TransportRequest request, CompletableFuture<TransportResponse> result) {
    this.request = request;
    this.result = result;
    this.maxBodyBytes = request.maxBodyBytes();
  }

  @Override
  public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context,
      FutureCallback<TransportResponse> resultCallback) throws IOException {
    this.status = response.getCode();
    if (entityDetails == null) {
      resultCallback.completed(new TransportResponse(status, new byte[0]));
      return;
    }
    long announced = entityDetails.getContentLength();
    if (announced > maxBodyBytes) {
      throw tooLong(" (Content-Length " + announced + "); did not read it");
    }
    this.callback = resultCallback;
    this.buffer = new byte[announced >= 0 ? (int) announced : Math.min(FIRST_CAPACITY, maxBodyBytes)];
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {
    // 1xx replies carry nothing core needs
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    // the limit is enforced in consume(): reading stops there by failing the exchange
    capacityChannel.update(Integer.MAX_VALUE);
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    int n = src.remaining();
    if (n > maxBodyBytes - length) {
      throw tooLong("; stopped reading");
    }
    if (length + n > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(maxBodyBytes, Math.max((long) buffer.length * 2, length + n)));
    }
    src.get(buffer, length, n);
    length += n;
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    if (callback != null && buffer != null) {
      callback.completed(new TransportResponse(status, Arrays.copyOf(buffer, length)));
    }
  }

  @Override
  public void failed(Exception cause) {
    // HttpClient reports the same failure to the exchange's callback, which completes the stage
  }

  @Override
  public void releaseResources() {
    buffer = null;
  }

  private IOException tooLong(String how) {
    result.completeExceptionally(new TokenProtocolException(request.redactedUri() + " answered HTTP " + status
        + " with a body over the limit of " + maxBodyBytes + " bytes" + how));
    return new IOException("reply body over " + maxBodyBytes + " bytes");
  }
}
