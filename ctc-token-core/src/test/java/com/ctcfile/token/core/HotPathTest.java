package com.ctcfile.token.core;

import static com.ctcfile.token.core.Fixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.ctcfile.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** With a valid token, the hot path touches neither the transport nor the store. */
class HotPathTest {

  private final ManualClock clock = new ManualClock();
  private final ScriptedTransport transport = new ScriptedTransport();
  private final CountingStore store = new CountingStore(new InMemoryTokenStore(clock));

  @Test
  void aValidTokenIsServedWithoutTransportOrStoreCalls() {
    try (TokenManager manager = Fixture.manager(transport, clock, store)) {
      AccessToken first = manager.token();
      int storeCalls = store.calls();

      for (int i = 0; i < 10_000; i++) {
        assertThat(manager.token()).isSameAs(first);
        assertThat(manager.tokenAsync().toCompletableFuture().join()).isSameAs(first);
      }

      assertThat(transport.sends()).isEqualTo(1);
      assertThat(store.calls()).isEqualTo(storeCalls);
    }
  }

  @Test
  void tokenAsyncHandsOutOnePrebuiltStageInsteadOfAllocatingOne() {
    try (TokenManager manager = Fixture.manager(transport, clock, store)) {
      manager.token();

      boolean same = manager.tokenAsync() == manager.tokenAsync();

      assertThat(same).isTrue();
    }
  }

  @Test
  void tokenAsyncNeverCompletesStagesTheCallerCanTamperWith() {
    try (TokenManager manager = Fixture.manager(transport, clock, store)) {
      AccessToken first = manager.token();

      manager.tokenAsync().toCompletableFuture().obtrudeValue(null);

      assertThat(manager.tokenAsync().toCompletableFuture().join()).isSameAs(first);
    }
  }

  @Test
  void withAnInjectedClockButNoSchedulerTheHotPathChecksTheClockItself() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T00:00:00Z"));
    Clock movable = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    try (TokenManager manager = Fixture.builder(transport).clock(movable).build()) {
      AccessToken first = manager.token();

      now.set(now.get().plus(Duration.ofHours(1)));

      AccessToken second = manager.token();
      assertThat(second.version()).isGreaterThan(first.version());
      assertThat(transport.sends()).isEqualTo(2);
    }
  }

  @Test
  void firstCallFetchesOnceAndVersionsStartAtOne() {
    try (TokenManager manager = Fixture.manager(transport, clock, store)) {
      assertThat(transport.sends()).isZero();

      AccessToken token = manager.token();

      assertThat(token.version()).isEqualTo(1);
      assertThat(token.value()).isEqualTo(transport.lastIssued());
      assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(seconds(3600)));
    }
  }
}
