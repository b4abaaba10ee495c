package com.ctcfile.token.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.cli.demo.NodeStats.NodeTally;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's verdict and its arithmetic, on counts given by hand. */
class SummaryTest {

  private static final Demo.Settings THREE_SECOND_TOKENS =
      new Demo.Settings(Duration.ofSeconds(20), Duration.ofSeconds(3), 2, Duration.ofMillis(5));

  private static NodeTally node(String name, long calls, long failures, long fetches) {
    return new NodeTally(name, "test", calls, 0, 0, failures, fetches, 0, 1, failures > 0 ? "HTTP 401" : null);
  }

  private static String print(Summary summary, Symbols symbols) {
    StringWriter text = new StringWriter();
    summary.print(new PrintWriter(text), symbols);
    return text.toString();
  }

  @Test
  void theDefaultRefreshAheadOfAThreeSecondTokenMakesA2400MsCycle() {
    assertThat(THREE_SECOND_TOKENS.refreshAhead()).isEqualTo(Duration.ofMillis(600));
    assertThat(THREE_SECOND_TOKENS.cycle()).isEqualTo(Duration.ofMillis(2400));
  }

  @Test
  void refreshAheadIsCappedAtFiveMinutes() {
    Demo.Settings hour = new Demo.Settings(Duration.ofSeconds(20), Duration.ofHours(1), 2, Duration.ZERO);

    assertThat(hour.refreshAhead()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void passesWithOneFetchPerWholeCyclePlusTheFirst() {
    Summary summary = new Summary(THREE_SECOND_TOKENS, Duration.ofMillis(20_100),
        List.of(node("a", 10, 0, 5), node("b", 10, 0, 4)), 9, 20, 0);

    assertThat(summary.cycles()).isEqualTo(8);
    assertThat(summary.allowedFetches()).isEqualTo(9);
    assertThat(summary.passed()).isTrue();
    assertThat(print(summary, Symbols.UNICODE)).contains("fetches 9 ≤ cycles+1 = 9   ✓").contains("PASS:");
  }

  @Test
  void failsWithOneFetchTooMany() {
    Summary summary = new Summary(THREE_SECOND_TOKENS, Duration.ofMillis(20_100),
        List.of(node("a", 10, 0, 5), node("b", 10, 0, 5)), 10, 20, 0);

    assertThat(summary.passed()).isFalse();
    assertThat(print(summary, Symbols.UNICODE)).contains("fetches 10 > cycles+1 = 9   ✗")
        .contains("FAIL: fetches 10 > cycles+1 = 9").doesNotContain("PASS");
  }

  @Test
  void failsWithAFailedCallAndSaysWhatItGot() {
    Summary summary = new Summary(THREE_SECOND_TOKENS, Duration.ofSeconds(20),
        List.of(node("a", 10, 0, 5), node("b", 10, 1, 4)), 9, 19, 2);

    assertThat(summary.passed()).isFalse();
    assertThat(print(summary, Symbols.ASCII)).contains("failures 1 > 0   FAILED")
        .contains("FAIL: 1 calls failed; the first on b: HTTP 401");
  }

  @Test
  void failsWhenANodeMadeNoCalls() {
    Summary summary = new Summary(THREE_SECOND_TOKENS, Duration.ofSeconds(20),
        List.of(node("a", 10, 0, 5), node("b", 0, 0, 0)), 5, 10, 0);

    assertThat(summary.passed()).isFalse();
    assertThat(print(summary, Symbols.ASCII)).contains("FAIL: node b made no calls");
  }

  @Test
  void asciiTerminalsGetAsciiSymbols() {
    Summary summary = new Summary(THREE_SECOND_TOKENS, Duration.ofMillis(20_100),
        List.of(node("a", 10, 0, 9)), 9, 10, 0);

    assertThat(print(summary, Symbols.ASCII)).contains("fetches 9 <= cycles+1 = 9   ok")
        .contains("lifetime 3 s - refreshAhead 600 ms");
  }
}
