package com.ctcfile.token.cli.demo;

import com.ctcfile.token.core.port.TokenStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Wraps the store the Micronaut module makes for {@code ctc.token.store=jdbc} so that the demo can
 * count that node's fetches: its {@code TokenManager} is the module's, built from properties, with
 * no way to add a {@code TokenEventListener}. Active only in the demo's Micronaut node.
 */
@Singleton
@Requires(property = MicronautNode.NODE_PROPERTY)
final class StoreCounter implements BeanCreatedEventListener<TokenStore> {

  private final NodeStats stats;

  StoreCounter(NodeStats stats) {
    this.stats = stats;
  }

  @Override
  public TokenStore onCreated(BeanCreatedEvent<TokenStore> event) {
    return new CountingTokenStore(event.getBean(), stats);
  }
}
