package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.JdkHttpClientTransport.Flaw;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutation test of {@link TransportContractTest}: the reference transport, broken one
 * {@linkplain Flaw flaw} at a time, must fail the contract test about that flaw. Together with
 * {@link JdkHttpClientTransportTest}, where the unbroken transport passes every test, this shows
 * each contract test fails exactly when its rule is broken.
 */
class TransportContractMutantTest {

  static Stream<Arguments> flaws() {
    return Stream.of(
        arguments(Flaw.FOLLOWS_REDIRECTS, "followsNoRedirect", new Object[0]),
        arguments(Flaw.NO_ACCEPT_HEADER, "sendsGetToTheUriAsGiven", new Object[0]),
        arguments(Flaw.SENDS_POST, "sendsGetToTheUriAsGiven", new Object[0]),
        arguments(Flaw.REBUILDS_URI_FROM_DECODED_PARTS, "sendsGetToTheUriAsGiven", new Object[0]),
        arguments(Flaw.FAILS_ON_ERROR_STATUS, "returnsErrorStatuses", new Object[] {503}),
        arguments(Flaw.IGNORES_BODY_LIMIT, "refusesABodyOverTheLimit", new Object[] {1000}),
        arguments(Flaw.IGNORES_BODY_LIMIT, "refusesAChunkedBodyOverTheLimit", new Object[] {1000}),
        arguments(Flaw.IGNORES_BODY_LIMIT, "stopsReadingAHugeBody", new Object[0]),
        arguments(Flaw.LIMIT_OFF_BY_ONE, "acceptsABodyAtTheLimit", new Object[] {1000}),
        arguments(Flaw.LIMIT_OFF_BY_ONE, "acceptsAChunkedBodyAtTheLimit", new Object[] {1000}),
        arguments(Flaw.KEEPS_CONNECTION_PAST_LIMIT, "stopsReadingAHugeBody", new Object[0]),
        arguments(Flaw.IGNORES_CANCEL, "releasesTheConnectionOfACancelledSend", new Object[0]),
        arguments(Flaw.SENDS_AFTER_CLOSE, "refusesASendAfterClose", new Object[0]),
        arguments(Flaw.OUTCOME_ALWAYS_UNKNOWN, "reportsARefusedConnection", new Object[0]),
        arguments(Flaw.OUTCOME_ALWAYS_KNOWN, "reportsADroppedConnection", new Object[0]),
        arguments(Flaw.UNTRANSLATED_EXCEPTIONS, "reportsARefusedConnection", new Object[0]),
        arguments(Flaw.UNTRANSLATED_EXCEPTIONS, "reportsADroppedConnection", new Object[0]),
        arguments(Flaw.URI_IN_MESSAGES, "reportsADroppedConnection", new Object[0]),
        arguments(Flaw.URI_IN_MESSAGES, "reportsARefusedConnection", new Object[0]),
        arguments(Flaw.BLOCKS_CALLER, "returnsWithoutBlocking", new Object[0]),
        arguments(Flaw.ONE_REQUEST_AT_A_TIME, "servesConcurrentSends", new Object[0]),
        arguments(Flaw.SENDS_POST, "worksWithTokenManager", new Object[0]));
  }

  @ParameterizedTest(name = "{0} fails {1}")
  @MethodSource("flaws")
  void eachFlawFailsItsContractTest(Flaw flaw, String contractTest, Object[] args) {
    Throwable failure = run(flaw, contractTest, args);

    assertThat(failure).as("the outcome of %s%s with %s", contractTest, Arrays.toString(args), flaw)
        .isInstanceOf(AssertionError.class);
  }

  @ParameterizedTest(name = "{0} fails closeIsIdempotent")
  @MethodSource("closeFlaw")
  void aSecondCloseThatThrowsFailsTheContract(Flaw flaw) {
    assertThat(run(flaw, "closeIsIdempotent")).isInstanceOf(IllegalStateException.class);
  }

  static Stream<Flaw> closeFlaw() {
    return Stream.of(Flaw.CLOSE_TWICE_FAILS);
  }

  /** Runs one contract test, set up and torn down as JUnit would, and returns how it failed, or null. */
  private static Throwable run(Flaw flaw, String contractTest, Object... args) {
    TransportContractTest contract = new TransportContractTest() {
      @Override
      protected Transport createTransport() {
        return new JdkHttpClientTransport(EnumSet.of(flaw));
      }

      // a flawed transport often makes a test wait out this limit
      @Override
      protected Duration completionWait() {
        return Duration.ofSeconds(2);
      }
    };
    Method test = Arrays.stream(TransportContractTest.class.getDeclaredMethods())
        .filter(method -> method.getName().equals(contractTest))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contract test " + contractTest));
    contract.startServerAndTransport();
    try {
      test.invoke(contract, args);
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } finally {
      try {
        contract.closeServerAndTransport();
      } catch (IllegalStateException closedTwiceByFlaw) {
        // the close flaw throws here too; the server is closed before the transport
      }
    }
  }
}
