/**
 * ctc-token on Micronaut: {@link com.ctcfile.token.transport.micronaut.MicronautTransport}, the
 * token request on Micronaut's HTTP client, usable on its own; and, in an application context,
 * {@link com.ctcfile.token.transport.micronaut.CtcTokenFactory} and
 * {@link com.ctcfile.token.transport.micronaut.CtcBearerFilter}, which turn the {@code ctc.token.*}
 * properties ({@link com.ctcfile.token.transport.micronaut.CtcTokenProperties}) into a
 * {@link com.ctcfile.token.TokenProvider} bean and the bearer token on the application's own
 * {@code @Client} calls to CTC.
 */
package com.ctcfile.token.transport.micronaut;
