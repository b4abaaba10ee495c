/**
 * ctc-token on the JDK's own {@code java.net.http.HttpClient}, with no dependency beyond the JDK and
 * ctc-token-core: {@link com.ctcfile.token.transport.jdk.JdkHttpClientTransport}, the token request,
 * and {@link com.ctcfile.token.transport.jdk.CtcBearerHttpClient}, an {@code HttpClient} that puts the
 * token on your own calls to the configured hosts and heals a 401 once.
 */
package com.ctcfile.token.transport.jdk;
