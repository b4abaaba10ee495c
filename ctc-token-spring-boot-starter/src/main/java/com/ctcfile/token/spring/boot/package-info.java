/**
 * Spring Boot 4 auto-configuration of ctc-token: a {@code TokenManager} from the {@code ctc.token.*}
 * properties (the Micronaut module's names and defaults), the token on the application's
 * {@code RestClient}, {@code RestTemplate} and {@code WebClient} calls to the CTC host
 * ({@link com.ctcfile.token.spring.boot.CtcBearerInterceptor},
 * {@link com.ctcfile.token.spring.boot.CtcBearerExchangeFilter}), a {@code ctcToken} readiness health
 * indicator and the {@code ctc.token.*} meters.
 */
package com.ctcfile.token.spring.boot;
