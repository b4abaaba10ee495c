package com.ctcfile.token.transport.jdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A raw socket server on 127.0.0.1 for one connection: it reads the request head, optionally
 * writes the head and first bytes of a reply that never ends, and then only watches the
 * connection, so a test can see exactly when the client closes it.
 */
final class HoldingServer implements AutoCloseable {

  private final ServerSocket socket;
  private final CompletableFuture<String> requestHead = new CompletableFuture<>();
  private final CompletableFuture<Void> closedByClient = new CompletableFuture<>();
  private volatile Socket connection;

  private HoldingServer(String partialReply) {
    try {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread thread = new Thread(() -> serve(partialReply), "holding-server");
    thread.setDaemon(true);
    thread.start();
  }

  /** Holds the request unanswered. */
  static HoldingServer withoutReply() {
    return new HoldingServer(null);
  }

  /** Sends a 200 head announcing 1000 bytes of body and the first 10 of them, then stalls. */
  static HoldingServer withStalledBody() {
    return new HoldingServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"access_t");
  }

  /** Sends a 200 head announcing {@code contentLength} bytes of body and none of them, then stalls. */
  static HoldingServer withHeadOnly(long contentLength) {
    return new HoldingServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
        + "\r\n\r\n");
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + pathAndQuery);
  }

  /** Completes with the request line and headers once they have been read. */
  CompletableFuture<String> requestHead() {
    return requestHead;
  }

  /** Completes when the client closed the connection (the server read end of stream or a reset). */
  CompletableFuture<Void> closedByClient() {
    return closedByClient;
  }

  @Override
  public void close() {
    closeQuietly(socket);
    Socket accepted = connection;
    if (accepted != null) {
      closeQuietly(accepted);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing twice, or after the client went away, is harmless
    }
  }

  private void serve(String partialReply) {
    try (Socket accepted = socket.accept()) {
      connection = accepted;
      InputStream in = connection.getInputStream();
      requestHead.complete(readHead(in));
      if (partialReply != null) {
        accepted.getOutputStream().write(partialReply.getBytes(StandardCharsets.US_ASCII));
        accepted.getOutputStream().flush();
      }
      while (in.read() >= 0) {
        // a client that keeps the connection sends nothing more; keep watching until it goes away
      }
      closedByClient.complete(null);
    } catch (IOException e) {
      // a reset by the client is a close too; a closed server socket ends the test's interest
      if (requestHead.isDone()) {
        closedByClient.complete(null);
      } else {
        requestHead.completeExceptionally(e);
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the request head ended");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
