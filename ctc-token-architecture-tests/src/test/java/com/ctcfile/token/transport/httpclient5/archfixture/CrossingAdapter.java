package com.ctcfile.token.transport.httpclient5.archfixture;

import com.ctcfile.token.core.internal.Backoff;
import com.ctcfile.token.store.jdbc.archfixture.JdbcThing;

/** Breaks the adapter rules on purpose: uses another adapter and core's internals. */
public class CrossingAdapter {

  public Object cross(Backoff backoff) {
    return new JdbcThing();
  }
}
