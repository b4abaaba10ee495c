package com.ctcfile.token.transport.jdk.archfixture;

import org.apache.hc.core5.http.HttpHost;

/** Breaks the JDK transport's rule on purpose: uses an HTTP library besides the JDK's. */
public class JdkAdapterWithALibrary {

  public Object target() {
    return new HttpHost("api.ctcfile.com");
  }
}
