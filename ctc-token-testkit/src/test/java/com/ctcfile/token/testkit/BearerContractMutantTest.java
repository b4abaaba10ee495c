package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.port.Transport;
import com.ctcfile.token.testkit.JdkBearerClient.Flaw;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutation test of {@link BearerIntegrationContractTest}: the reference integration
 * {@link JdkBearerClient}, broken one {@linkplain Flaw flaw} at a time, must fail the contract test
 * about that flaw. With {@link JdkBearerContractTest}, where the unbroken one passes every test, this
 * shows each of those contract tests fails exactly when its rule is broken.
 */
class BearerContractMutantTest {

  static Stream<Arguments> flaws() {
    return Stream.of(
        arguments(Flaw.SENDS_TO_ANY_HOST, "leavesOtherHostsAlone"),
        arguments(Flaw.IGNORES_THE_PORT, "matchesThePort"),
        arguments(Flaw.TOKEN_FOLLOWS_REDIRECTS, "dropsTheTokenOnARedirectToAnotherHost"),
        arguments(Flaw.PLAIN_HTTP_ANYWHERE, "refusesInsecureHttp"),
        arguments(Flaw.NO_REPLAY, "healsAnOutOfBandInvalidation"),
        arguments(Flaw.NO_REPLAY, "replaysARepeatableRequest"),
        arguments(Flaw.REPLAYS_ONE_SHOT_BODIES, "passesOnTheRejectionOfAOneShotBody"),
        arguments(Flaw.REPLAYS_WITHOUT_THE_BODY, "replaysARepeatableRequest"),
        arguments(Flaw.RENEWS_WITH_TOKEN_ASYNC, "healsAnOutOfBandInvalidation"),
        arguments(Flaw.WRAPS_PROVIDER_FAILURES, "failsWithTheProvidersException"),
        arguments(Flaw.WRAPS_PROVIDER_FAILURES, "reportsARateLimitedRenewal"),
        arguments(Flaw.BLOCKS, "authorizesAConfiguredHost"),
        arguments(Flaw.OVERRIDES_THE_CALLERS_AUTHORIZATION, "leavesTheCallersOwnAuthorization"));
  }

  @ParameterizedTest(name = "{0} fails {1}")
  @MethodSource("flaws")
  void eachFlawFailsItsContractTest(Flaw flaw, String contractTest) {
    assertThat(run(flaw, contractTest)).as("the outcome of %s with %s", contractTest, flaw)
        .isInstanceOf(AssertionError.class);
  }

  /** Runs one contract test, set up and torn down as JUnit would, and returns how it failed, or null. */
  private static Throwable run(Flaw flaw, String contractTest) {
    BearerIntegrationContractTest contract = new BearerIntegrationContractTest() {
      @Override
      protected Client open(TokenProvider tokens, Setup setup) {
        return new JdkBearerClient(tokens, setup, EnumSet.of(flaw));
      }

      @Override
      protected Transport createTransport() {
        return new JdkHttpClientTransport();
      }
    };
    Method test = Arrays.stream(BearerIntegrationContractTest.class.getDeclaredMethods())
        .filter(method -> method.getName().equals(contractTest))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contract test " + contractTest));
    contract.startServersAndTokens();
    Throwable failure = null;
    try {
      test.setAccessible(true);
      test.invoke(contract);
    } catch (InvocationTargetException e) {
      failure = e.getCause();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } finally {
      try {
        contract.closeEverything();
      } catch (Throwable teardown) {
        // the blocking flaw is also caught here; the test's own failure is what counts
        failure = failure == null ? teardown : failure;
      }
    }
    return failure;
  }
}
