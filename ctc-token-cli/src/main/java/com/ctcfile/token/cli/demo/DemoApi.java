package com.ctcfile.token.cli.demo;

import io.micronaut.http.annotation.Get;
import io.micronaut.http.client.annotation.Client;

/**
 * The Micronaut service's declarative client of the CTC API, written as an application would write
 * it: nothing about tokens here, the module's {@code CtcBearerFilter} adds them.
 */
@Client("${ctc.token.endpoint}")
interface DemoApi {

  @Get("/api/protected")
  String protectedResource();
}
