package com.ctcfile.token.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule of which requests {@link CtcBearerHttpClient} sends again after a 401, publisher by publisher. */
class ReplayableBodiesTest {

  private static final URI API = URI.create("https://api.ctcfile.com/orders");

  @TempDir
  Path temp;

  @Test
  @DisplayName("requests without a body publisher are replayable: GET, DELETE, and a builder's default")
  void withoutABody() {
    assertThat(ReplayableBodies.canReplay(HttpRequest.newBuilder(API).build())).isTrue();
    assertThat(ReplayableBodies.canReplay(HttpRequest.newBuilder(API).GET().build())).isTrue();
    assertThat(ReplayableBodies.canReplay(HttpRequest.newBuilder(API).DELETE().build())).isTrue();
  }

  @Test
  @DisplayName("noBody(), ofString(..), ofByteArray(..) in both forms and ofFile(..) are replayable")
  void theJdksRepeatablePublishers() throws Exception {
    Path file = Files.writeString(temp.resolve("order.json"), "{}");

    assertThat(canReplay(BodyPublishers.noBody())).isTrue();
    assertThat(canReplay(BodyPublishers.ofString("{}"))).isTrue();
    assertThat(canReplay(BodyPublishers.ofString("{}", StandardCharsets.ISO_8859_1))).isTrue();
    assertThat(canReplay(BodyPublishers.ofByteArray(new byte[] {1, 2}))).isTrue();
    assertThat(canReplay(BodyPublishers.ofByteArray(new byte[] {1, 2, 3}, 1, 2))).isTrue();
    assertThat(canReplay(BodyPublishers.ofFile(file))).isTrue();
  }

  @Test
  @DisplayName("ofInputStream(..), ofByteArrays(..), concat(..), fromPublisher(..) and publishers of your own are not")
  void everythingElse() {
    assertThat(canReplay(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1])))).isFalse();
    assertThat(canReplay(BodyPublishers.ofByteArrays(List.of(new byte[1])))).isFalse();
    assertThat(canReplay(BodyPublishers.concat(BodyPublishers.ofString("a"), BodyPublishers.ofString("b")))).isFalse();
    assertThat(canReplay(BodyPublishers.fromPublisher(BodyPublishers.ofString("a")))).isFalse();
    assertThat(canReplay(new OwnPublisher())).isFalse();
  }

  private static boolean canReplay(BodyPublisher body) {
    return ReplayableBodies.canReplay(HttpRequest.newBuilder(API).POST(body).build());
  }

  private static final class OwnPublisher implements BodyPublisher {
    @Override
    public long contentLength() {
      return -1;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      BodyPublishers.noBody().subscribe(subscriber);
    }
  }
}
