package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.core.port.ReplyBodyBuffer;
import com.ctcfile.token.core.port.TransportRequest;
import com.ctcfile.token.core.port.TransportResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Collects a reply into a {@link ReplyBodyBuffer}. A body that announces or turns out to be longer
 * than the limit completes the transport's stage with the buffer's {@code tooLarge()} first and then
 * throws an {@link IOException} into HttpClient, which makes it abort the exchange and close the
 * connection rather than read the rest. Used by one exchange only; HttpClient calls it from one I/O
 * thread at a time.
 */
final class BoundedBodyConsumer implements AsyncResponseConsumer<TransportResponse> {

  private final CompletableFuture<TransportResponse> result;
  private final ReplyBodyBuffer body;
  private FutureCallback<TransportResponse> callback;
  private int status;

  BoundedBodyConsumer(TransportRequest request, CompletableFuture<TransportResponse> result) {
    this.result = result;
    this.body = new ReplyBodyBuffer(request);
  }

  @Override
  public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context,
      FutureCallback<TransportResponse> resultCallback) throws IOException {
    status = response.getCode();
    if (entityDetails == null) {
      resultCallback.completed(body.response(status));
      return;
    }
    if (!body.fits(entityDetails.getContentLength())) {
      throw tooLarge();
    }
    callback = resultCallback;
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
    if (!body.append(src)) {
      throw tooLarge();
    }
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    if (callback != null) {
      callback.completed(body.response(status));
    }
  }

  @Override
  public void failed(Exception cause) {
    // HttpClient reports the same failure to the exchange's callback, which completes the stage
  }

  @Override
  public void releaseResources() {
    // the buffer is garbage once the stage is complete
  }

  private IOException tooLarge() {
    result.completeExceptionally(body.tooLarge());
    return new IOException("reply body over the limit");
  }
}
