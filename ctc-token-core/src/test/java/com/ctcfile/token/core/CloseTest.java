package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TransportResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CloseTest {

  private static long timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ctc-token-timer-") && t.isAlive())
        .count();
  }

  @Test
  void closeStopsBackgroundWorkAndLeavesNoThreadBehind() {
    long before = timerThreads();
    ScriptedTransport transport = new ScriptedTransport();
    TokenManager manager = Fixture.builder(transport).build();
    manager.token();
    assertThat(timerThreads()).as("the manager's timer thread runs").isGreaterThan(before);

    manager.close();

    await().until(() -> timerThreads() == before);
    assertThat(transport.isClosed()).isTrue();
  }

  @Test
  void callsAfterCloseFailWithAClearMessageButHandedOutTokensStayUsable() {
    ScriptedTransport transport = new ScriptedTransport();
    TokenManager manager = Fixture.builder(transport).build();
    AccessToken token = manager.token();

    manager.close();
    manager.close();

    assertThatThrownBy(manager::token).isInstanceOf(CtcTokenException.class).hasMessageContaining("closed");
    assertThat(manager.tokenAsync().toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(() -> manager.renewAfterRejection(token)).isInstanceOf(CtcTokenException.class);
    assertThat(token.authorizationHeaderValue()).startsWith("Bearer ");
  }

  @Test
  void closeFailsCallersWaitingForAFetch() {
    ScriptedTransport transport = new ScriptedTransport();
    CompletableFuture<TransportResponse> never = transport.thenHold();
    TokenManager manager = Fixture.builder(transport).build();
    CompletableFuture<AccessToken> waiting = manager.tokenAsync().toCompletableFuture();

    manager.close();

    assertThat(waiting).isCompletedExceptionally();
    never.complete(transport.tokenReply());
    assertThatThrownBy(manager::token).hasMessageContaining("closed");
  }
}
