package com.ctcfile.token.transport.jdk;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** {@link CtcBearerHttpClient} through the blocking {@code send}. */
class CtcBearerHttpClientSendTest extends BearerHttpClientBehaviour {

  @Override
  protected Reply send(CtcBearerHttpClient client, HttpRequest request) throws Exception {
    return send(client, request, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  protected Reply send(CtcBearerHttpClient client, HttpRequest request, HttpResponse.BodyHandler<String> handler)
      throws Exception {
    HttpResponse<String> response = client.send(request, handler);
    return new Reply(response.statusCode(), response.body());
  }
}
