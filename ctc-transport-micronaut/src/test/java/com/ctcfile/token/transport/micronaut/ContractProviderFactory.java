package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.TokenProvider;
import com.ctcfile.token.core.TokenManager;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import com.ctcfile.token.testkit.BearerIntegrationContractTest;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * For the bearer contract: gives the bean filter the provider the contract hands over, in place of
 * the manager the module's factory makes from {@code ctc.token.*}; and an address resolver group,
 * named {@link #RESOLVER}, that resolves the contract's names to 127.0.0.1 for clients configured
 * with {@code address-resolver-group-name: contract}. Test code only.
 */
@Factory
@Requires(property = "test.contract-provider", value = "true")
class ContractProviderFactory {

  /** The provider the next context's filter gets. */
  static final AtomicReference<TokenProvider> NEXT = new AtomicReference<>();

  /** The name of the resolver group bean. */
  static final String RESOLVER = "contract";

  @Singleton
  @Named(RESOLVER)
  AddressResolverGroup<InetSocketAddress> namesOnLoopback() {
    return new AddressResolverGroup<>() {
      @Override
      protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
          @Override
          protected void doResolve(String host, Promise<InetAddress> promise) {
            try {
              promise.setSuccess(loopbackOrLookup(host));
            } catch (UnknownHostException e) {
              promise.setFailure(e);
            }
          }

          @Override
          protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            try {
              promise.setSuccess(List.of(loopbackOrLookup(host)));
            } catch (UnknownHostException e) {
              promise.setFailure(e);
            }
          }
        });
      }
    };
  }

  private static InetAddress loopbackOrLookup(String host) throws UnknownHostException {
    if (BearerIntegrationContractTest.NAMES_ON_LOOPBACK.contains(host.toLowerCase(Locale.ROOT))) {
      return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
    }
    return InetAddress.getByName(host);
  }

  @Context
  @Named(CtcTokenFactory.BEAN_NAME)
  @Replaces(bean = TokenManager.class, factory = CtcTokenFactory.class)
  TokenProvider contractProvider() {
    return NEXT.get();
  }
}
