package com.ctcfile.token.spring.boot;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Spring Boot's request factories with redirects that never carry the token to another host. An
 * interceptor runs above the request factory, so a redirect that the factory's client follows is
 * never seen by {@link CtcBearerInterceptor}; and the JDK's {@code HttpClient}, Spring Boot's default,
 * copies every header, {@code Authorization} included, to the host a redirect names (Apache
 * HttpClient 5 refuses to follow such a redirect instead). So requests to the token's hosts go
 * through a factory of the same library and settings that follows no redirect, and this class follows
 * them: the next hop to a token host keeps the headers, a hop to any other host goes through the
 * application's ordinary factory without {@code Authorization}. Requests to other hosts are the
 * ordinary factory's, untouched.
 *
 * <p>It follows as the JDK client does with Spring Boot's default {@code follow-when-possible}: at most
 * {@value #MAX_HOPS} hops, never from https to http; 303, and 301 or 302 after a POST, become a GET
 * without body. With {@code spring.http.clients.redirects=dont-follow} it changes nothing. Immutable
 * and thread-safe.
 */
final class TokenRedirectGuard implements ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> {

  static final int MAX_HOPS = 5;

  private final ClientHttpRequestFactoryBuilder<?> factories;
  private final BearerTargets targets;

  TokenRedirectGuard(ClientHttpRequestFactoryBuilder<?> factories, BearerTargets targets) {
    this.factories = Objects.requireNonNull(factories, "factories");
    this.targets = Objects.requireNonNull(targets, "targets");
  }

  @Override
  public ClientHttpRequestFactory build(HttpClientSettings settings) {
    HttpClientSettings effective = settings == null ? HttpClientSettings.defaults() : settings;
    ClientHttpRequestFactory ordinary = factories.build(settings);
    if (effective.redirects() == HttpRedirects.DONT_FOLLOW) {
      return ordinary;
    }
    return new Factory(ordinary, factories.build(effective.withRedirects(HttpRedirects.DONT_FOLLOW)));
  }

  @Override
  public String toString() {
    return "TokenRedirectGuard{" + factories + ", " + targets + "}";
  }

  private final class Factory implements ClientHttpRequestFactory {
    private final ClientHttpRequestFactory ordinary;
    private final ClientHttpRequestFactory direct;

    Factory(ClientHttpRequestFactory ordinary, ClientHttpRequestFactory direct) {
      this.ordinary = ordinary;
      this.direct = direct;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod method) throws IOException {
      return targets.selects(uri) ? new Hops(uri, method) : ordinary.createRequest(uri, method);
    }

    /** A request to a token host, and the redirects that follow it. */
    private final class Hops extends AbstractBufferingClientHttpRequest {
      private final URI uri;
      private final HttpMethod method;

      Hops(URI uri, HttpMethod method) {
        this.uri = uri;
        this.method = method;
      }

      @Override
      public HttpMethod getMethod() {
        return method;
      }

      @Override
      public URI getURI() {
        return uri;
      }

      @Override
      protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
        URI at = uri;
        HttpMethod verb = method;
        byte[] content = body;
        HttpHeaders sent = new HttpHeaders();
        sent.putAll(headers);
        for (int hop = 0; ; hop++) {
          boolean tokenHost = targets.selects(at);
          if (!tokenHost) {
            sent.remove(HttpHeaders.AUTHORIZATION);
          }
          ClientHttpResponse response = send(tokenHost ? direct : ordinary, at, verb, sent, content);
          if (!tokenHost || hop == MAX_HOPS) {
            return response;
          }
          int status = response.getStatusCode().value();
          URI location = location(at, status, response.getHeaders());
          if (location == null) {
            return response;
          }
          response.close();
          if (status == 303 && verb != HttpMethod.HEAD || (status == 301 || status == 302) && verb == HttpMethod.POST) {
            verb = HttpMethod.GET;
            content = new byte[0];
            sent.remove(HttpHeaders.CONTENT_TYPE);
            sent.remove(HttpHeaders.CONTENT_LENGTH);
          }
          at = location;
        }
      }

      private ClientHttpResponse send(ClientHttpRequestFactory factory, URI at, HttpMethod verb, HttpHeaders headers,
          byte[] content) throws IOException {
        ClientHttpRequest request = factory.createRequest(at, verb);
        request.getHeaders().putAll(headers);
        for (Map.Entry<String, Object> attribute : getAttributes().entrySet()) {
          request.getAttributes().put(attribute.getKey(), attribute.getValue());
        }
        if (content.length > 0) {
          request.getHeaders().setContentLength(content.length);
          if (request instanceof StreamingHttpOutputMessage streaming) {
            streaming.setBody(content);
          } else {
            request.getBody().write(content);
          }
        }
        return request.execute();
      }
    }
  }

  // the absolute target of a redirect to follow, or null: not a redirect, no Location, or https to http
  private static URI location(URI from, int status, HttpHeaders headers) {
    if (!(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
      return null;
    }
    String location = headers.getFirst(HttpHeaders.LOCATION);
    if (location == null || location.isBlank()) {
      return null;
    }
    URI next;
    try {
      next = from.resolve(location.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (next.getScheme() == null || next.getHost() == null
        || "https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
      return null;
    }
    return next;
  }
}
