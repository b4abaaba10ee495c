package com.ctcfile.token.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that reads each HTTP request's head and never answers, and watches its
 * connections: it sees a connection close the moment the client closes or resets it, which the
 * JDK's HTTP server cannot tell while a reply is pending. For the contract test that a cancelled
 * send gives its connection up. One thread per connection, all daemons; thread-safe.
 */
final class SilentServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor;

  private SilentServer(ServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "silent-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static SilentServer start() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
      return new SilentServer(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the silent server to 127.0.0.1", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** Requests whose head arrived. */
  int requests() {
    return requests.get();
  }

  /** Connections the client has not closed yet. */
  int openConnections() {
    return open.size();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket connection : open) {
      closeQuietly(connection);
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException closed) {
        return;
      }
      open.add(connection);
      Thread reader = new Thread(() -> hold(connection), "silent-server-connection");
      reader.setDaemon(true);
      reader.start();
    }
  }

  // reads the head, then waits for the end of the stream: a client that gives up closes it
  private void hold(Socket connection) {
    try (InputStream in = connection.getInputStream()) {
      int matched = 0;
      int b;
      while ((b = in.read()) >= 0) {
        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        if (matched == 4) {
          requests.incrementAndGet();
          matched = 0;
        }
      }
    } catch (IOException reset) {
      // a reset is a close too
    } finally {
      open.remove(connection);
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Socket connection) {
    try {
      connection.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
