package com.ctcfile.token.transport.micronaut.archfixture;

import com.ctcfile.token.micrometer.CtcTokenMetrics;

/** Breaks the adapter rule on purpose: a Micronaut class other than the metrics factory uses the Micrometer module. */
public class MetricsOutsideTheFactory {

  public Object meters() {
    return CtcTokenMetrics.create();
  }
}
