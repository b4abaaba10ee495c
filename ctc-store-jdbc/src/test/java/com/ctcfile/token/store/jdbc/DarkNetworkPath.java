package com.ctcfile.token.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A TCP relay on loopback between the driver and a real database whose path can go dark: the open
 * connections stop carrying bytes both ways (their sockets stay open, as a half-open connection's do
 * when a firewall drops its packets or a NAT forgets it), and new connections are refused, until the
 * path is lit again. Connections that went dark stay dark. Its threads are daemons and end with
 * {@link #close()}.
 */
final class DarkNetworkPath implements AutoCloseable {

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean darkAfterNextConnection = new AtomicBoolean();
  private volatile boolean dark;

  private DarkNetworkPath(String targetHostAndPort) throws IOException {
    int colon = targetHostAndPort.lastIndexOf(':');
    this.targetHost = targetHostAndPort.substring(0, colon);
    this.targetPort = Integer.parseInt(targetHostAndPort.substring(colon + 1));
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "dark-network-path-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A relay to {@code hostAndPort}, lit. */
  static DarkNetworkPath to(String hostAndPort) throws IOException {
    return new DarkNetworkPath(hostAndPort);
  }

  /** The {@code host:port} to connect to instead of the database's. */
  String hostAndPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** The path goes dark now. */
  void goDark() {
    dark = true;
    relays.forEach(Relay::sever);
  }

  /** New connections work again. */
  void light() {
    dark = false;
  }

  /**
   * {@code dataSource}, whose next connection (armed by {@link #darkenAfterNextConnection()}) is made
   * while the path is lit, after which the path goes dark: its first statement then hangs.
   */
  DataSource darkeningAfterConnecting(DataSource dataSource) {
    return new ConnectionOnlyDataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (darkAfterNextConnection.getAndSet(false)) {
          goDark();
        }
        return connection;
      }

      @Override
      public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
      }
    };
  }

  /** Arms {@link #darkeningAfterConnecting}. */
  void darkenAfterNextConnection() {
    darkAfterNextConnection.set(true);
  }

  @Override
  public void close() throws IOException {
    server.close();
    relays.forEach(Relay::close);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      if (dark) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket database = new Socket();
        database.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        Relay relay = new Relay(client, database);
        relays.add(relay);
        relay.start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** One relayed connection: two pumps, which drop every byte once the connection went dark. */
  private final class Relay {
    private final Socket client;
    private final Socket database;
    private volatile boolean severed;

    Relay(Socket client, Socket database) {
      this.client = client;
      this.database = database;
    }

    void start() {
      pump(client, database, "up");
      pump(database, client, "down");
    }

    void sever() {
      severed = true;
    }

    void close() {
      closeQuietly(client);
      closeQuietly(database);
      relays.remove(this);
    }

    private void pump(Socket from, Socket to, String direction) {
      Thread pump = new Thread(() -> {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int read;
          while ((read = in.read(buffer)) >= 0) {
            if (!severed) {
              out.write(buffer, 0, read);
              out.flush();
            }
          }
        } catch (IOException ended) {
          // one side closed: the relay ends
        } finally {
          close();
        }
      }, "dark-network-path-" + direction);
      pump.setDaemon(true);
      pump.start();
    }
  }
}
