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
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on a free loopback port, in front of a database, that a test can switch off and on:
 * what a database outage, or a network path that goes dark, looks like to the nodes' connection pools.
 *
 * <p>Three modes:
 * <ul>
 *   <li><b>up</b>: copies bytes both ways, two daemon threads per connection;
 *   <li><b>{@linkplain #down() down}</b>: resets every open connection and every new one at once, as a
 *       port with nothing behind it does, so pools fail fast rather than hang;
 *   <li><b>{@linkplain #blackHole() black hole}</b>: forwards nothing and closes nothing, as a firewall
 *       that drops packets or a NAT that forgot the connection: every open connection stays open with
 *       its bytes swallowed both ways, so a statement on it waits for a reply that never comes (a driver
 *       whose {@code socketTimeout} is 0 waits for ever), and new connections are accepted and held
 *       without a byte of reply, so the driver's handshake hangs. Connections that went dark stay dark
 *       until their client closes them; the ones held during the black hole are reset when it ends, as
 *       a connect attempt into a dark network fails in the end.
 * </ul>
 *
 * <p>Thread-safe; {@link #close()} stops everything.
 */
final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
  private final Set<Socket> held = ConcurrentHashMap.newKeySet();
  private final AtomicLong swallowed = new AtomicLong();
  private final AtomicLong heldConnections = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean down;
  private volatile boolean blackHole;
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

  /**
   * From now on forwards nothing and closes nothing: open connections go dark for good, new ones are
   * held without a reply until {@link #up()}.
   */
  void blackHole() {
    blackHole = true;
    for (Pair pair : pairs) {
      pair.dark = true;
    }
  }

  /**
   * Forwards new connections again. After a {@link #blackHole()}, the connections held during it are
   * reset; those that went dark stay dark.
   */
  void up() {
    down = false;
    blackHole = false;
    for (Socket socket : held) {
      reset(socket);
    }
  }

  /** Bytes the proxy read from clients and dropped in black holes: a client sent something into the dark. */
  long swallowedBytes() {
    return swallowed.get();
  }

  /**
   * What clients did in black holes so far: bytes swallowed plus connections accepted and held. A
   * connection counts even when its client sent nothing, since with protocols where the server speaks
   * first (MariaDB's handshake) a driver waiting for the greeting is stuck without sending a byte.
   */
  long darkActivity() {
    return swallowed.get() + heldConnections.get();
  }

  @Override
  public void close() {
    closed = true;
    down();
    for (Socket socket : held) {
      reset(socket);
    }
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
      if (blackHole) {
        hold(client);
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
      Pair pair = new Pair();
      pairs.add(pair);
      pipe(pair, client, upstream, true);
      pipe(pair, upstream, client, false);
    }
  }

  /** A connection accepted into the black hole: read and dropped until its client gives up or the hole ends. */
  private void hold(Socket client) {
    held.add(client);
    heldConnections.incrementAndGet();
    Thread sink = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = client.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          swallowed.addAndGet(n);
        }
      } catch (IOException ignored) {
        // reset by up() or close(), or the client went away
      } finally {
        held.remove(client);
        reset(client);
      }
    }, "tcp-proxy-" + port() + "-hold");
    sink.setDaemon(true);
    sink.start();
  }

  /** The two directions of one forwarded connection; once dark, both drop what they read. */
  private static final class Pair {
    volatile boolean dark;
  }

  private void pipe(Pair pair, Socket from, Socket to, boolean fromClient) {
    Thread copier = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (pair.dark) {
            if (fromClient) {
              swallowed.addAndGet(n);
            }
            continue;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // one side went away: the other must learn it too
      } finally {
        pairs.remove(pair);
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
    return "TcpProxy{127.0.0.1:" + port() + " -> " + target + (down ? ", down" : blackHole ? ", black hole" : "")
        + "}";
  }
}
