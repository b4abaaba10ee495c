package com.ctcfile.token.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * An H2 trigger that refuses every update of a row holding a token and quotes the token in its error,
 * standing in for the many ways databases echo row values in their messages. H2 instantiates it by name.
 */
public class EchoingH2Trigger implements Trigger {

  private int tokenIndex = -1;

  @Override
  public void init(Connection connection, String schema, String trigger, String table, boolean before, int type)
      throws SQLException {
    try (ResultSet columns = connection.getMetaData().getColumns(null, schema, table, null)) {
      while (columns.next()) {
        if ("TOKEN".equalsIgnoreCase(columns.getString("COLUMN_NAME"))) {
          tokenIndex = columns.getInt("ORDINAL_POSITION") - 1;
        }
      }
    }
    if (tokenIndex < 0) {
      throw new SQLException("no token column in " + schema + "." + table);
    }
  }

  @Override
  public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
    if (newRow != null && newRow[tokenIndex] != null) {
      throw new SQLException("rejected token " + newRow[tokenIndex], "45000");
    }
  }
}
