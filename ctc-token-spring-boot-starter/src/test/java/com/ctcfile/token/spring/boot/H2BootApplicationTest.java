package com.ctcfile.token.spring.boot;

import java.util.UUID;

/** The Spring Boot application on an in-memory H2 database. */
class H2BootApplicationTest extends BootApplicationTest {

  @Override
  protected String[] dataSource() {
    return new String[] {"spring.datasource.url=jdbc:h2:mem:boot-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"};
  }
}
