package com.ctcfile.token.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The plainest {@link DataSource}: a new, auto-committing connection from {@link DriverManager} per call. */
class DriverManagerDataSource extends ConnectionOnlyDataSource {

  private final String url;

  DriverManagerDataSource(String url) {
    this.url = url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  @Override
  public String toString() {
    return "DriverManagerDataSource{" + url + "}";
  }
}
