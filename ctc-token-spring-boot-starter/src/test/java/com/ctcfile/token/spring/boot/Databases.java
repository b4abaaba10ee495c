package com.ctcfile.token.spring.boot;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The databases of the application tests: H2 always, PostgreSQL when {@code CTC_TEST_POSTGRES_URL} is set (a failure when {@code CI=true} and it is not). */
final class Databases {

  private Databases() {}

  static String postgresUrl() {
    String url = System.getenv("CTC_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("CI=true but CTC_TEST_POSTGRES_URL is not set: the PostgreSQL tests must run in CI");
      }
      Assumptions.abort("CTC_TEST_POSTGRES_URL is not set");
    }
    return url;
  }
}
