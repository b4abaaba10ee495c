package com.ctcfile.token.transport.httpclient5.archfixture;

import com.ctcfile.token.core.internal.archfixture.InternalThing;
import com.ctcfile.token.store.jdbc.archfixture.JdbcThing;

/** Breaks the adapter rules on purpose: uses another adapter and core's internals. */
public class CrossingAdapter {

  public Object cross(InternalThing internal) {
    return new JdbcThing();
  }
}
