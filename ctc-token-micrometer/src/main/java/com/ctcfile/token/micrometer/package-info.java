/**
 * Micrometer meters for ctc-token: {@link com.ctcfile.token.micrometer.CtcTokenMetrics} turns the
 * events of {@link com.ctcfile.token.core.port.TokenEventListener} and
 * {@link com.ctcfile.token.core.TokenManager#status()} into {@code ctc.token.*} meters. Core does not
 * know Micrometer; this module is the only one that does, besides the framework integrations that
 * bind it for you.
 */
package com.ctcfile.token.micrometer;
