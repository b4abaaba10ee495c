package com.ctcfile.token.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port, in front of a database, that a test can switch off and on:
 * what a database outage looks like to the nodes' connection pools.
 *
 * <p>While {@linkplain #down() down} it resets every open connection and every new one at once, as a
 * port with nothing behind it does, so pools fail fast rather than hang. While up it copies bytes both
 * ways, two daemon threads per connection. Thread-safe; {@link #close()} stops everything.
 */
final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean down;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /** A proxy to {@code target}, accepting connections from now on. */
  static TcpProxy to(InetSocketAddress target) {
    try {
      TcpProxy proxy = new TcpProxy(target);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a proxy port", e);
    }
  }

  /** The loopback port clients connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** Resets every open connection and refuses new ones until {@link #up()}. */
  void down() {
    down = true;
    for (Socket socket : open) {
      reset(socket);
    }
  }

  /** Forwards new connections again. */
  void up() {
    down = false;
  }

  @Override
  public void close() {
    closed = true;
    down();
    try {
      server.close();
    } catch (IOException ignored) {
      // the port is gone either way
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (down) {
        reset(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 2_000);
      } catch (IOException e) {
        reset(client);
        reset(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      pipe(client, upstream);
      pipe(upstream, client);
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread copier = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // one side went away: the other must learn it too
      } finally {
        reset(from);
        reset(to);
      }
    }, "tcp-proxy-" + port() + "-copy");
    copier.setDaemon(true);
    copier.start();
  }

  // linger 0 makes close() send a RST, as a dead port does, instead of a polite FIN
  private void reset(Socket socket) {
    open.remove(socket);
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public String toString() {
    return "TcpProxy{127.0.0.1:" + port() + " -> " + target + (down ? ", down" : "") + "}";
  }
}
