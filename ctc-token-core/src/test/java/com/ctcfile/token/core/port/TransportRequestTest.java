package com.ctcfile.token.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.TokenTransportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What adapters get from a request for their failures: messages and causes that never quote the query. */
class TransportRequestTest {

  private static final String SECRET = "s3cr%26t%3D%2B%E5%AF%86";
  private final TransportRequest request = new TransportRequest(
      URI.create("https://ctc.example/oauth/accesstoken?clientId=client-1&clientSecret=" + SECRET),
      Duration.ofSeconds(10), 65536);

  @Test
  void toStringAndRedactedUriLeaveTheQueryOut() {
    assertThat(request.toString()).isEqualTo("GET https://ctc.example/oauth/accesstoken?<redacted> (timeout 10000 ms, max 65536 bytes)");
    assertThat(request.redactedUri()).doesNotContain("client");
  }

  @Test
  void aCleanCauseIsKept() {
    ConnectException refused = new ConnectException("Connection refused");

    TokenTransportException failure = request.failure("failed", refused);

    assertThat(failure.getCause()).isSameAs(refused);
    assertThat(failure).hasMessage(request + " failed: ConnectException: Connection refused");
    assertThat(failure.httpStatus()).isZero();
  }

  @Test
  void aCauseQuotingTheQueryOrAValueOfItIsReplacedByItsTypeName() {
    IOException quotesQuery = new IOException("GET " + request.uri() + " failed");
    IOException quotesDecodedSecret = new IOException("bad header", new IllegalStateException("value s3cr&t=+密"));

    for (Throwable cause : new Throwable[] {quotesQuery, quotesDecodedSecret}) {
      TokenTransportException failure = request.failure("failed", cause);

      assertThat(failure.getMessage()).doesNotContain(SECRET).doesNotContain("s3cr&t").contains("message withheld");
      assertThat(failure.getCause()).isNotSameAs(cause).hasNoCause();
      assertThat(failure.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
    }
  }

  @Test
  void bodyTooLargeNamesTheLimitNotTheQuery() {
    assertThat(request.bodyTooLarge()).hasMessageContaining("65536").hasMessageNotContaining(SECRET);
  }
}
