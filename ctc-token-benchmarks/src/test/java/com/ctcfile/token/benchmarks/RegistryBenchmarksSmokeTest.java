package com.ctcfile.token.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The registry's benchmark and scale harness run once, small, so CI shows each measures what it
 * claims: the hot-path methods hand out held tokens without fetching, and the harness gets every
 * client a token, sees the first renewals and leaves no thread. It asserts no timings or sizes: those
 * come from a real run.
 */
class RegistryBenchmarksSmokeTest {

  @Test
  void registryHotPathReturnsHeldTokensWithoutFetchingAgain() {
    RegistryHotPath bench = new RegistryHotPath();
    bench.setUp();
    try {
      AccessToken standalone = bench.standalone();
      AccessToken inRegistry = bench.registryProvider();

      assertThat(bench.floorVolatileRead()).isSameAs(standalone);
      assertThat(bench.standalone()).isSameAs(standalone);
      assertThat(bench.registryProvider()).isSameAs(inRegistry);
      assertThat(bench.registryLookup()).isSameAs(inRegistry);
      assertThat(bench.registry.size()).isEqualTo(RegistryHotPath.CLIENTS);
      assertThat(bench.standaloneTransport.fetches()).isEqualTo(1);
      assertThat(bench.registryTransport.fetches()).as("one fetch per client of the registry").isEqualTo(RegistryHotPath.CLIENTS);
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void theScaleHarnessGivesEveryClientATokenSeesTheFirstRenewalsAndLeavesNoThread() throws Exception {
    Map<String, String> report = RegistryScale.measure("--clients", "40", "--lifetime", "3");

    assertThat(report).containsEntry("clients", "40")
        .containsEntry("first attempts that failed", "0")
        .containsEntry("first renewals started (REFRESH_AHEAD)", "40")
        .containsEntry("fetches failed", "0")
        .containsEntry("clients holding a valid token after the wave", "40")
        .containsEntry("library threads after close", "{}")
        .containsKeys("retained heap per client beyond the token's characters B",
            "most renewals started within 1 % of the lifetime", "time until all clients hold a token ms");
    assertThat(report.get("library threads with every client holding a token")).startsWith("{httpclient5=2, registry=2}");
  }

  @Test
  void theScaleHarnessRunsOnPostgreSqlWhenAUrlIsGivenAndSkipsCleanlyOtherwise() throws Exception {
    Map<String, String> report = RegistryScale.measure("--store", "postgres", "--clients", "20", "--lifetime", "3");

    String url = System.getenv("CTC_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      assertThat(report).containsEntry("skipped", "no PostgreSQL URL");
    } else {
      assertThat(report).containsEntry("store", "postgres").containsEntry("first attempts that failed", "0")
          .containsEntry("library threads after close", "{}");
      assertThat(report.get("library threads with every client holding a token"))
          .startsWith("{httpclient5=2, jdbc-store=3, registry=2}");
    }
  }

  @Test
  void theAnnotationProcessorListedTheRegistryBenchmarks() {
    Set<String> listed = BenchmarkList.defaultList()
        .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
        .stream()
        .map(BenchmarkListEntry::getUsername)
        .collect(Collectors.toSet());

    for (String method : List.of("floorVolatileRead", "standalone", "registryProvider", "registryLookup")) {
      assertThat(listed).contains("com.ctcfile.token.benchmarks.RegistryHotPath." + method);
    }
  }
}
