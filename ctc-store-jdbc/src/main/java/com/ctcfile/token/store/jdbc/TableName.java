package com.ctcfile.token.store.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table name that is safe to write into SQL: one unquoted identifier, optionally qualified by a
 * schema ({@code schema.table}). Validation is the only defence the statements need, because a table
 * name cannot be a bind parameter. Immutable.
 */
final class TableName {

  static final String DEFAULT = "ctc_access_token";

  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  private static final Pattern VALID = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")?");

  private final String sql;

  private TableName(String sql) {
    this.sql = sql;
  }

  /**
   * Validates {@code name}.
   *
   * @throws IllegalArgumentException naming the rule (not echoing the name if it is long, since it
   *     may be garbage from a misread configuration)
   */
  static TableName of(String name) {
    Objects.requireNonNull(name, "tableName");
    if (!VALID.matcher(name).matches()) {
      String shown = name.length() <= 140 ? "'" + name + "'" : "of " + name.length() + " characters";
      throw new IllegalArgumentException("table name " + shown + " is not a plain SQL identifier: expected a"
          + " letter or '_' followed by up to 62 letters, digits or '_', optionally qualified as schema.table");
    }
    return new TableName(name);
  }

  /** The name as written into statements. */
  String sql() {
    return sql;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TableName && ((TableName) other).sql.equals(sql);
  }

  @Override
  public int hashCode() {
    return sql.hashCode();
  }

  @Override
  public String toString() {
    return sql;
  }
}
