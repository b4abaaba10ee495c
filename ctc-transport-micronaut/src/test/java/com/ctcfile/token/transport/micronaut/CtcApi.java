package com.ctcfile.token.transport.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.client.annotation.Client;
import java.util.concurrent.CompletableFuture;

/** A declarative client of the fake CTC API, as an application would write one. */
@Client("${ctc.token.endpoint}")
interface CtcApi {

  @Get("/api/protected")
  String protectedResource();

  @Get("/api/protected")
  CompletableFuture<String> protectedResourceAsync();

  @Get("/api/protected")
  HttpResponse<String> exchangeProtected();
}
