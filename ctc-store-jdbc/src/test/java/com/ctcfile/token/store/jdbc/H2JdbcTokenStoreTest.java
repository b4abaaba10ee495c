package com.ctcfile.token.store.jdbc;

/** The JDBC store on H2, always, in a private in-memory database. */
class H2JdbcTokenStoreTest extends AbstractJdbcTokenStoreTest {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
