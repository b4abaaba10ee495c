package com.ctcfile.token.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.micrometer.CtcTokenMetrics;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link MetricsHotPath} once through its own setup, without JMH: both managers hand out the
 * token they hold, and the metered one really is metered (its fetch counted, its gauges bound). It
 * asserts no timings: the numbers come from a JMH run.
 */
class MetricsHotPathSmokeTest {

  @Test
  void bothManagersReturnTheirHeldTokenAndOnlyOneIsMetered() {
    MetricsHotPath bench = new MetricsHotPath();
    bench.setUp();
    try {
      AccessToken metered = bench.withMetrics();

      assertThat(bench.withMetrics()).isSameAs(metered);
      assertThat(bench.withoutMetrics()).isSameAs(bench.withoutMetrics());
      assertThat(bench.registry.get(CtcTokenMetrics.FETCH).functionTimer().count()).isEqualTo(1);
      assertThat(bench.registry.get(CtcTokenMetrics.VERSION).gauge().value()).isEqualTo(metered.version());
      assertThat(bench.registry.find(CtcTokenMetrics.FETCH).functionTimers()).as("only the metered manager").hasSize(1);
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void theAnnotationProcessorListedBothBenchmarks() {
    List<String> listed = BenchmarkList.defaultList()
        .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
        .stream()
        .map(BenchmarkListEntry::getUsername)
        .collect(Collectors.toList());

    assertThat(listed).contains("com.ctcfile.token.benchmarks.MetricsHotPath.withMetrics",
        "com.ctcfile.token.benchmarks.MetricsHotPath.withoutMetrics");
  }
}
