package com.ctcfile.token.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark method once through its own setup, without JMH, so CI shows each one measures
 * what it claims: the caches hand out the token they were given without fetching, renewals really
 * happen under the renewal benchmark, and the integration benchmarks get 200 from a server that
 * refuses requests without the token. It asserts no timings: the numbers come from a JMH run.
 */
class BenchmarksSmokeTest {

  private static final String PACKAGE = "com.ctcfile.token.benchmarks.";

  @Test
  void hotPathBenchmarksReturnTheHeldTokenWithoutFetchingAgain() throws Exception {
    HotPath bench = new HotPath();
    bench.setUp();
    try {
      AccessToken held = bench.floorVolatileRead();
      String value = held.value();

      assertThat(bench.ctcToken()).isSameAs(held);
      assertThat(bench.ctcTokenAsync().toCompletableFuture().join()).isSameAs(held);
      assertThat(bench.googleRequestMetadata().get("Authorization")).containsExactly("Bearer " + value);
      assertThat(bench.awsCachedSupplier()).isEqualTo(value);
      assertThat(bench.springAuthorize()).isEqualTo(value);
      assertThat(bench.wxJavaAccessToken()).isEqualTo(value);
      assertThat(bench.transport.fetches()).as("token requests").isEqualTo(1);
    } finally {
      bench.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"delayed", "loopback"})
  void renewalTailRenewsAgainAndAgainWhileCallersGetAToken(String endpoint) {
    RenewalTail bench = new RenewalTail();
    bench.endpoint = endpoint;
    bench.setUp();
    try {
      long firstVersion = bench.token().version();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
        assertThat(bench.token()).isNotNull();
        return bench.renewals.succeeded() >= 3;
      });
      assertThat(bench.token().version()).isGreaterThan(firstVersion);
      assertThat(bench.renewals.failed()).as("failed fetches").isZero();
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void bearerOverheadRequestsAreAcceptedWithTheTokenAndWouldBeRefusedWithout() throws Exception {
    BearerOverhead bench = new BearerOverhead();
    bench.setUp();
    try {
      assertThat(bench.classicBearer()).isEqualTo(200);
      assertThat(bench.classicStaticHeader()).isEqualTo(200);
      assertThat(bench.asyncBearer()).isEqualTo(200);
      assertThat(bench.asyncStaticHeader()).isEqualTo(200);

      HttpResponse<Void> withoutToken = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(bench.api.uri()).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(withoutToken.statusCode()).isEqualTo(401);
    } finally {
      bench.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "http"})
  void bearerHandlerCostPutsTheTokenOnTheRequest(String scheme) throws Exception {
    BearerHandlerCost bench = new BearerHandlerCost();
    bench.scheme = scheme;
    bench.setUp();
    try {
      assertThat(bench.ctcBearerAuth().getCode()).isEqualTo(200);
      assertThat(bench.staticHeader().getCode()).isEqualTo(200);
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void pairedBearerOverheadRequestsAreAcceptedWithTheToken() throws Exception {
    PairedBearerOverhead bench = new PairedBearerOverhead();
    bench.setUp();
    try {
      assertThat(bench.classicBearer()).isEqualTo(200);
      assertThat(bench.classicStaticHeader()).isEqualTo(200);
      assertThat(bench.asyncBearer()).isEqualTo(200);
      assertThat(bench.asyncStaticHeader()).isEqualTo(200);
      assertThat(bench.vertxBearer()).isEqualTo(200);
      assertThat(bench.vertxStaticHeader()).isEqualTo(200);

      PairedBearerOverhead.Split split = new PairedBearerOverhead.Split();
      split.reset();
      assertThat(bench.classic(split)).isEqualTo(400);
      assertThat(bench.async(split)).isEqualTo(400);
      assertThat(bench.vertx(split)).isEqualTo(400);
      assertThat(split.bearerMicros()).isPositive();
      assertThat(split.staticMicros()).isPositive();
      assertThat(split.staticToBearer()).isPositive().isFinite();
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void vertxBearerOverheadRequestsAreAcceptedWithTheToken() {
    VertxBearerOverhead bench = new VertxBearerOverhead();
    bench.setUp();
    try {
      assertThat(bench.bearer()).isEqualTo(200);
      assertThat(bench.staticHeader()).isEqualTo(200);
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void theAnnotationProcessorListedEveryBenchmark() {
    Set<String> listed = BenchmarkList.defaultList()
        .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
        .stream()
        .map(BenchmarkListEntry::getUsername)
        .collect(Collectors.toSet());

    List<String> hotPath = List.of("floorVolatileRead", "ctcToken", "ctcTokenAsync", "googleRequestMetadata",
        "awsCachedSupplier", "springAuthorize", "wxJavaAccessToken");
    for (String method : hotPath) {
      assertThat(listed).contains(PACKAGE + "HotPath." + method, PACKAGE + "HotPathTwoThreads." + method);
    }
    assertThat(listed).contains(PACKAGE + "RenewalTail.token", PACKAGE + "RenewalTail.floorVolatileRead",
        PACKAGE + "BearerOverhead.classicBearer", PACKAGE + "BearerOverhead.classicStaticHeader",
        PACKAGE + "BearerOverhead.asyncBearer", PACKAGE + "BearerOverhead.asyncStaticHeader",
        PACKAGE + "VertxBearerOverhead.bearer", PACKAGE + "VertxBearerOverhead.staticHeader",
        PACKAGE + "PairedBearerOverhead.classic", PACKAGE + "PairedBearerOverhead.async",
        PACKAGE + "PairedBearerOverhead.vertx", PACKAGE + "BearerHandlerCost.ctcBearerAuth",
        PACKAGE + "BearerHandlerCost.staticHeader");
  }
}
