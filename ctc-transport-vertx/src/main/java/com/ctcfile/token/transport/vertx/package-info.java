/**
 * ctc-token on Vert.x 5, without ever blocking an event loop.
 *
 * <ul>
 *   <li>{@link com.ctcfile.token.transport.vertx.VertxTransport}: the {@code Transport} that fetches
 *       the token through a Vert.x {@code WebClient}, its own or yours;
 *   <li>{@link com.ctcfile.token.transport.vertx.CtcBearerAuth}: puts the token on your own
 *       {@code WebClient}'s requests to the CTC API and heals a 401 by one renewal and one replay.
 * </ul>
 *
 * <p>Both use the WebClient's interceptor chain ({@code io.vertx.ext.web.client.impl}, internal to
 * Vert.x and not exported to JPMS modules), as Vert.x's own {@code OAuth2WebClient} does; the module
 * is built and tested against {@code io.vertx:vertx-stack-depchain} 5.0.7 on the class path. Vert.x 4
 * (and so Quarkus 3.x) is not supported.
 */
package com.ctcfile.token.transport.vertx;
