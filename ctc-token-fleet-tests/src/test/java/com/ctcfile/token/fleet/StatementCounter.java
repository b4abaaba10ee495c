package com.ctcfile.token.fleet;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the SQL statements a {@link DataSource} runs: {@link #wrap} gives a data source whose
 * connections hand out statements that count each {@code executeQuery} as a query and each
 * {@code executeUpdate}, {@code executeLargeUpdate}, {@code execute} or batch as an update. Built on
 * {@link Proxy}, so it sees exactly what the JDBC store sends and nothing a pool does on its own
 * (validation, keep-alive), since the pool sits underneath.
 *
 * <p>Thread-safe; counts are exact. Counts only: it never looks at parameters or rows, so no token
 * passes through it.
 */
final class StatementCounter {

  private final AtomicLong queries = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();

  /** Queries ({@code executeQuery}) run so far. */
  long queries() {
    return queries.get();
  }

  /** Updates (and plain {@code execute} calls, and batches) run so far. */
  long updates() {
    return updates.get();
  }

  /** Every statement run so far. */
  long total() {
    return queries() + updates();
  }

  /** {@code dataSource}, counting on this counter; closing it is the wrapped data source's business. */
  DataSource wrap(DataSource dataSource) {
    return proxy(DataSource.class, dataSource, (method, result) ->
        result instanceof Connection ? connection((Connection) result) : result);
  }

  private Connection connection(Connection connection) {
    return proxy(Connection.class, connection, (method, result) -> {
      if (result instanceof CallableStatement) {
        return statement(CallableStatement.class, (CallableStatement) result);
      }
      if (result instanceof PreparedStatement) {
        return statement(PreparedStatement.class, (PreparedStatement) result);
      }
      if (result instanceof Statement) {
        return statement(Statement.class, (Statement) result);
      }
      return result;
    });
  }

  private <S extends Statement> S statement(Class<S> type, S statement) {
    return proxy(type, statement, new Counting());
  }

  /** Counts before delegating: a statement that fails was still sent to the database. */
  private final class Counting implements Wrapping {
    @Override
    public void before(Method method) {
      String name = method.getName();
      if (name.equals("executeQuery")) {
        queries.incrementAndGet();
      } else if (name.startsWith("execute")) {
        updates.incrementAndGet();
      }
    }

    @Override
    public Object after(Method method, Object result) {
      return result;
    }
  }

  /** What a proxy does around each call of its target. */
  private interface Wrapping {
    default void before(Method method) {}

    Object after(Method method, Object result);
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T target, Wrapping wrapping) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          case "toString":
            return "Counting(" + target + ")";
          default:
            break;
        }
      }
      wrapping.before(method);
      try {
        return wrapping.after(method, method.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (T) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
