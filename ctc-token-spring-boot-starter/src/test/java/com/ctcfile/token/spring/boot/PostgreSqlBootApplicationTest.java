package com.ctcfile.token.spring.boot;

/** The Spring Boot application on PostgreSQL, when {@code CTC_TEST_POSTGRES_URL} is set (a failure when {@code CI=true} and it is not). */
class PostgreSqlBootApplicationTest extends BootApplicationTest {

  @Override
  protected String[] dataSource() {
    return new String[] {"spring.datasource.url=" + Databases.postgresUrl()};
  }
}
