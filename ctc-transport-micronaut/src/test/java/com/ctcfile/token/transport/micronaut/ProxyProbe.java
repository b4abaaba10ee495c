package com.ctcfile.token.transport.micronaut;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in HTTP proxy on loopback that records the request line of each connection and closes
 * it: enough to see that a client was configured to go through a proxy.
 */
final class ProxyProbe implements AutoCloseable {

  private final ServerSocket socket;
  private final List<String> requestLines = new CopyOnWriteArrayList<>();

  private ProxyProbe(ServerSocket socket) {
    this.socket = socket;
  }

  static ProxyProbe start() {
    try {
      ProxyProbe probe = new ProxyProbe(new ServerSocket(0, 16, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
      Thread acceptor = new Thread(probe::accept, "proxy-probe");
      acceptor.setDaemon(true);
      acceptor.start();
      return probe;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return socket.getLocalPort();
  }

  List<String> requestLines() {
    return List.copyOf(requestLines);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try (Socket connection = socket.accept()) {
        String line = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
        if (line != null) {
          requestLines.add(line);
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a listening socket on loopback does not fail in practice
    }
  }
}
