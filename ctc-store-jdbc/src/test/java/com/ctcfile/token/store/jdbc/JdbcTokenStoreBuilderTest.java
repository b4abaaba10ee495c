package com.ctcfile.token.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcTokenStoreBuilderTest {

  private final ObservedDataSource dataSource =
      new ObservedDataSource(new DriverManagerDataSource("jdbc:h2:mem:unused"), "DataSource{password=hunter2}");

  @Test
  void defaultsToTheDocumentedTableWithoutCreatingIt() {
    try (JdbcTokenStore store = JdbcTokenStore.builder(dataSource).build()) {
      assertThat(store.toString()).contains("table=ctc_access_token").contains("createTableIfMissing=false")
          .doesNotContain("hunter2");
    }
  }

  @Test
  void requiresADataSource() {
    assertThatThrownBy(() -> JdbcTokenStore.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void acceptsQueryTimeoutsFromOneSecondToOneHour() {
    JdbcTokenStore.Builder builder = JdbcTokenStore.builder(dataSource);

    builder.queryTimeout(Duration.ofSeconds(1)).queryTimeout(Duration.ofHours(1));
    assertThatThrownBy(() -> builder.queryTimeout(Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.queryTimeout(Duration.ofHours(1).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.queryTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void buildingAndClosingTouchNoDatabase() {
    JdbcTokenStore.builder(dataSource).createTableIfMissing(true).build().close();

    assertThat(dataSource.connections()).isZero();
    assertThat(dataSource.callers()).isEmpty();
  }
}
