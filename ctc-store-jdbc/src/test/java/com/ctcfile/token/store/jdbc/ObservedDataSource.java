package com.ctcfile.token.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A DataSource in front of a real one that the test can watch and steer: it counts connections,
 * records the threads asking for them, can hold them at a gate, and can be switched to another
 * database (a dead one, say) and back.
 */
class ObservedDataSource extends ConnectionOnlyDataSource {

  private volatile DataSource target;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Thread> callers = new CopyOnWriteArrayList<>();
  private final String shownAs;

  ObservedDataSource(DataSource target, String shownAs) {
    this.target = target;
    this.shownAs = shownAs;
  }

  void switchTo(DataSource newTarget) {
    this.target = newTarget;
  }

  /** Holds every connection request until {@link #releaseConnections()}; a held request gives up after 10 s. */
  void holdConnections() {
    gate = new CountDownLatch(1);
  }

  void releaseConnections() {
    gate.countDown();
  }

  int connections() {
    return connections.get();
  }

  List<Thread> callers() {
    return List.copyOf(callers);
  }

  @Override
  public Connection getConnection() throws SQLException {
    callers.add(Thread.currentThread());
    try {
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new SQLException("the test's gate stayed closed", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted at the test's gate", "08001");
    }
    connections.incrementAndGet();
    return target.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public String toString() {
    return shownAs;
  }
}
