package com.ctcfile.token.transport.jdk;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests {@link CtcBearerHttpClient} may send a second time after a 401: those without a
 * body publisher, and those whose publisher the JDK made with {@link BodyPublishers#noBody()},
 * {@link BodyPublishers#ofString}, {@link BodyPublishers#ofByteArray} (either form) or
 * {@link BodyPublishers#ofFile}. Each of those starts over from its first byte when subscribed
 * again. Every other publisher is taken as one that can be sent only once:
 * {@link BodyPublishers#ofInputStream} (its supplier may hand out the same, drained stream),
 * {@link BodyPublishers#ofByteArrays} (its {@code Iterable} may be one-shot),
 * {@link BodyPublishers#concat}, {@link BodyPublishers#fromPublisher} and publishers of your own.
 *
 * <p>The JDK's publisher classes are not exported, so they are recognised by the class of a
 * publisher each factory makes, and {@code ofFile}'s, which needs an existing file to make one, by its
 * class name; a JDK that renamed it would have file bodies not replayed, never the other way round.
 */
final class ReplayableBodies {

  // the class BodyPublishers.ofFile(path) returns on Java 17 through 25
  private static final String FILE_PUBLISHER = "jdk.internal.net.http.RequestPublishers$FilePublisher";

  private static final Set<Class<?>> REPLAYABLE = Set.copyOf(List.of(
      BodyPublishers.noBody().getClass(),
      BodyPublishers.ofString("").getClass(),
      BodyPublishers.ofByteArray(new byte[0]).getClass(),
      BodyPublishers.ofByteArray(new byte[1], 0, 1).getClass()));

  private ReplayableBodies() {}

  /** Whether {@code request} can be sent again, its body included. */
  static boolean canReplay(HttpRequest request) {
    Optional<BodyPublisher> body = request.bodyPublisher();
    if (body.isEmpty()) {
      return true;
    }
    Class<?> type = body.get().getClass();
    return REPLAYABLE.contains(type) || type.getName().equals(FILE_PUBLISHER);
  }
}
