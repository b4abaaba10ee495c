package com.ctcfile.token.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ctcfile.token.spring.boot.app.CtcApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The failure analyzer is registered: a real startup with a missing property prints Spring Boot's
 * report naming it, and never the secret. (Output is captured by hand: Spring Boot 4's
 * OutputCaptureExtension needs a newer JUnit than the build's.)
 */
class FailureReportTest {

  @Test
  void aMissingClientIdFailsStartupWithAReportNamingItAndNotTheSecret() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    Throwable failure;
    try (PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(both);
      System.setErr(both);
      failure = catchThrowable(() -> new SpringApplicationBuilder(CtcApplication.class)
          .web(WebApplicationType.NONE)
          .run("--ctc.token.endpoint=https://coresite.ctcfile.com", "--ctc.token.client-secret=top-s3cret-value"));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    out.println(printed);

    assertThat(failure).isNotNull();
    assertThat(printed).contains("APPLICATION FAILED TO START")
        .contains("ctc.token.client-id is missing: set it to your CTC clientId")
        .contains("Set ctc.token.client-id in application.yml or application.properties, or as the environment"
            + " variable CTC_TOKEN_CLIENT_ID")
        .doesNotContain("top-s3cret-value");
  }
}
