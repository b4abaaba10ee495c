package com.ctcfile.token.transport.micronaut;

import io.micronaut.http.annotation.Get;
import io.micronaut.http.client.annotation.Client;

/** A declarative client of a host that is not CTC: its calls must never carry the token. */
@Client("${test.other-host}")
interface OtherHostApi {

  @Get("/anything")
  String anything();
}
