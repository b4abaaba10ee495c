package com.ctcfile.token.transport.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.testkit.FakeCtcServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.client.annotation.Client;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The README's Micronaut quick start, compiled and run: the code between the tags and the
 * configuration in {@code application-readme.yml}, with only the endpoint, the credentials and the
 * database pointed at a {@link FakeCtcServer} and an in-memory H2.
 */
class ReadmeQuickstartTest {

  // tag::micronaut-quickstart[]
  @Client("${ctc.token.endpoint}")               // any client whose calls go to the endpoint's host
  interface CtcApi {
    @Get("/api/protected")
    String protectedResource();                  // sent with Authorization: Bearer <token>
  }

  @Singleton
  static class ReportService {
    private final CtcApi ctc;

    ReportService(CtcApi ctc) {
      this.ctc = ctc;
    }

    String latest() {
      return ctc.protectedResource();            // a 401 after someone else's fetch is healed once
    }
  }
  // end::micronaut-quickstart[]

  @Test
  void theQuickStartWorksAsWritten() throws SQLException {
    try (FakeCtcServer server = FakeCtcServer.builder().build().start();
         ApplicationContext context = ApplicationContext.builder()
             .environments("readme")
             .properties(Map.of(
                 "ctc.token.endpoint", server.endpoint().toString(),
                 "ctc.token.client-id", server.clientId(),
                 "ctc.token.client-secret", server.clientSecret(),
                 "datasources.default.url", "jdbc:h2:mem:readme;DB_CLOSE_DELAY=-1",
                 "datasources.default.driver-class-name", "org.h2.Driver",
                 "datasources.default.username", "sa",
                 "datasources.default.password", ""))
             .start()) {
      ReportService reports = context.getBean(ReportService.class);

      assertThat(reports.latest()).contains("\"ok\":true");
      server.issueTokenOutOfBand();
      assertThat(reports.latest()).contains("\"ok\":true");

      assertThat(server.fetches()).isEqualTo(2);
      assertThat(server.rejected()).isEqualTo(1);
      assertThat(context.getBean(CtcTokenProperties.class).getFilter().getPatterns()).containsExactly("/api/**");
      try (Connection connection = context.getBean(DataSource.class).getConnection();
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM ctc_access_token")) {
        rows.next();
        assertThat(rows.getInt(1)).as("the token lives in the table the yml asked for").isEqualTo(1);
      }
      assertThat(context.getBean(TokenProvider.class).token().value()).isEqualTo(server.currentToken().orElseThrow());
    }
  }
}
