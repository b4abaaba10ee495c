package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Types;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DialectTest {

  @Test
  void detectsEveryProductByTheNameItsDriverReports() {
    assertThat(Dialect.forProduct("PostgreSQL")).contains(Dialect.POSTGRESQL);
    assertThat(Dialect.forProduct("MySQL")).contains(Dialect.MYSQL);
    assertThat(Dialect.forProduct("MariaDB")).contains(Dialect.MYSQL);
    assertThat(Dialect.forProduct("H2")).contains(Dialect.H2);
    assertThat(Dialect.forProduct("Oracle")).contains(Dialect.ORACLE);
    assertThat(Dialect.forProduct("Microsoft SQL Server")).contains(Dialect.SQLSERVER);
  }

  @Test
  void knowsNoOtherProduct() {
    assertThat(Dialect.forProduct("SQLite")).isEmpty();
    assertThat(Dialect.forProduct("HSQL Database Engine")).isEmpty();
    assertThat(Dialect.forProduct(null)).isEmpty();
  }

  @Test
  void postgresqlMysqlAndH2AreTheTestedOnes() {
    Set<Dialect> tested = Stream.of(Dialect.values()).filter(Dialect::isTested).collect(Collectors.toSet());

    assertThat(tested).isEqualTo(EnumSet.of(Dialect.POSTGRESQL, Dialect.MYSQL, Dialect.H2));
  }

  @Test
  void knowsWhichColumnTypesHoldInstantsWhateverTheSessionsTimeZone() {
    assertThat(Dialect.POSTGRESQL.holdsInstants(Types.TIMESTAMP, "timestamptz")).isTrue();
    assertThat(Dialect.POSTGRESQL.holdsInstants(Types.TIMESTAMP, "timestamp")).isFalse();
    assertThat(Dialect.H2.holdsInstants(Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP WITH TIME ZONE")).isTrue();
    assertThat(Dialect.H2.holdsInstants(Types.TIMESTAMP, "TIMESTAMP")).isFalse();
    assertThat(Dialect.MYSQL.holdsInstants(Types.TIMESTAMP, "DATETIME")).isTrue();
    assertThat(Dialect.MYSQL.holdsInstants(Types.TIMESTAMP, "TIMESTAMP")).as("converts with the session's zone").isFalse();
    assertThat(Dialect.ORACLE.holdsInstants(-101, "TIMESTAMP WITH TIME ZONE")).isTrue();
    assertThat(Dialect.ORACLE.holdsInstants(Types.TIMESTAMP, "TIMESTAMP")).isFalse();
    assertThat(Dialect.SQLSERVER.holdsInstants(-155, "datetimeoffset")).isTrue();
    assertThat(Dialect.SQLSERVER.holdsInstants(Types.TIMESTAMP, "datetime2")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void takesEveryTimeFromTheDatabaseClockAndDurationsAsOneParameter(Dialect dialect) {
    assertThat(dialect.nowPlusMillis()).contains(dialect.now()).containsOnlyOnce("?");
    assertThat(dialect.millisUntil("lease_until")).contains("lease_until").doesNotContain("?");
  }
}
