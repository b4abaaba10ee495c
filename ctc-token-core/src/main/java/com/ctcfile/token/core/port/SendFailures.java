package com.ctcfile.token.core.port;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Tells a send that never reached the endpoint from one whose outcome is unknown, by the JDK
 * exceptions every HTTP library wraps for connection failures (Netty's and HttpClient's connect
 * exceptions extend {@link ConnectException}).
 */
final class SendFailures {

  private SendFailures() {}

  /** Whether {@code cause}'s chain shows that no connection to the endpoint was made. */
  static boolean neverConnected(Throwable cause) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = cause; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
          || t instanceof PortUnreachableException || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }
}
