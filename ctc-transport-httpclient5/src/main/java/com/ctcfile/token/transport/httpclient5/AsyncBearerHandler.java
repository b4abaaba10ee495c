package com.ctcfile.token.transport.httpclient5;

import com.ctcfile.token.AccessToken;
import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.BearerFailures;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The async-client half of {@link CtcBearerAuth}, placed like the classic one just before the
 * protocol element. It only ever calls the provider's non-blocking methods and continues the
 * exchange on whichever thread completes them, so it never blocks an I/O thread. Stateless and
 * thread-safe; each exchange gets an {@link Exchange} of its own.
 */
final class AsyncBearerHandler implements AsyncExecChainHandler {

  private final TokenProvider provider;
  private final BearerPolicy policy;

  AsyncBearerHandler(TokenProvider provider, BearerPolicy policy) {
    this.provider = provider;
    this.policy = policy;
  }

  @Override
  public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
    boolean authorize;
    try {
      authorize = policy.authorizes(request, scope.route, scope.clientContext);
    } catch (RuntimeException refused) {
      callback.failed(refused);
      return;
    }
    if (!authorize) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    new Exchange(request, entityProducer, scope, chain, callback).start();
  }

  @Override
  public String toString() {
    return "CtcBearerAuth.async{" + policy + "}";
  }

  /** One authorized exchange: first attempt, and at most one replay after a 401. */
  private final class Exchange {
    private final HttpRequest request;
    private final AsyncEntityProducer entityProducer;
    private final AsyncExecChain.Scope scope;
    private final AsyncExecChain chain;
    private final AsyncExecCallback callback;
    private final boolean replayable;

    Exchange(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
        AsyncExecChain chain, AsyncExecCallback callback) {
      this.request = request;
      this.entityProducer = entityProducer;
      this.scope = scope;
      this.chain = chain;
      this.callback = callback;
      this.replayable = entityProducer == null || entityProducer.isRepeatable();
    }

    void start() {
      CompletionStage<AccessToken> token;
      try {
        token = provider.tokenAsync();
      } catch (RuntimeException e) {
        callback.failed(e);
        return;
      }
      // runs at once on this thread when the provider holds a valid token, which is the usual case
      token.whenComplete((value, error) -> {
        if (error != null) {
          callback.failed(BearerFailures.unwrap(error));
          return;
        }
        request.setHeader(HttpHeaders.AUTHORIZATION, value.authorizationHeaderValue());
        // the elements below add Host, Content-Length and others to this very request; a replay starts from these
        proceed(new FirstAttempt(value, request.getHeaders()));
      });
    }

    void proceed(AsyncExecCallback attemptCallback) {
      try {
        chain.proceed(request, entityProducer, scope, attemptCallback);
      } catch (HttpException | IOException | RuntimeException e) {
        callback.failed(e);
      }
    }

    void replay(Header[] sent, AccessToken rejected) {
      CompletionStage<AccessToken> renewal;
      try {
        renewal = provider.renewAfterRejectionAsync(rejected);
      } catch (RuntimeException e) {
        callback.failed(e);
        return;
      }
      renewal.whenComplete((renewed, error) -> {
        if (error != null) {
          callback.failed(BearerFailures.unwrap(error));
          return;
        }
        request.setHeaders(sent);
        request.setHeader(HttpHeaders.AUTHORIZATION, renewed.authorizationHeaderValue());
        if (entityProducer != null) {
          entityProducer.releaseResources();
        }
        // the caller's own callback: a second 401 reaches the caller as is
        proceed(callback);
      });
    }

    /** Watches the first attempt for a 401; everything else goes to the caller's callback unchanged. */
    private final class FirstAttempt implements AsyncExecCallback {
      private final AccessToken token;
      private final Header[] sent;
      private volatile boolean rejected;

      FirstAttempt(AccessToken token, Header[] sent) {
        this.token = token;
        this.sent = sent;
      }

      @Override
      public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
          throws HttpException, IOException {
        if (response.getCode() == HttpStatus.SC_UNAUTHORIZED) {
          rejected = true;
          if (replayable) {
            // no consumer: HttpClient reads the body to its end and drops it, keeping the connection reusable
            return null;
          }
        }
        return callback.handleResponse(response, entityDetails);
      }

      @Override
      public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
        callback.handleInformationResponse(response);
      }

      @Override
      public void completed() {
        if (!rejected) {
          callback.completed();
        } else if (replayable) {
          replay(sent, token);
        } else {
          // the caller has its 401 already: HttpClient completes the caller's future when the body ends
          BearerFailures.renewForNextCall(provider, token);
          callback.completed();
        }
      }

      @Override
      public void failed(Exception cause) {
        callback.failed(cause);
      }
    }
  }
}
