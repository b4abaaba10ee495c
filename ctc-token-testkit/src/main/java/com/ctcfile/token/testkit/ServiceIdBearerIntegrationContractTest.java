package com.ctcfile.token.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bearer contract of an integration that also selects requests by service id (Micronaut's
 * {@code @Client("id")}): everything {@link BearerIntegrationContractTest} checks, and that a service
 * id only ever narrows the hosts that get the token, never widens them. Integrations without service
 * ids extend {@link BearerIntegrationContractTest} itself.
 */
public abstract class ServiceIdBearerIntegrationContractTest extends BearerIntegrationContractTest {

  @Test
  @DisplayName("a service id never widens the hosts: its client's calls to another host carry no token")
  void aServiceIdAloneSelectsNothing() throws Exception {
    Client client = client(Setup.hosts(fakeHost()).serviceClient(List.of("ctc-api"), "ctc-api", otherHost.uri("")));

    get(client, otherHost.uri("/its-own-base-url"));
    get(client, api.uri("/redirect?to=" + otherHost.uri("/after-a-redirect")));
    if (!followsRedirects()) {
      get(client, otherHost.uri("/after-a-redirect")); // as the caller that got the 302 would
    }
    assertThat(get(client, server.protectedUri()).status()).as("its call to a configured host").isEqualTo(200);

    assertThat(otherHost.authorizations()).containsExactly("none", "none");
    assertThat(api.authorizations()).containsExactly("none");
  }

  @Test
  @DisplayName("service ids narrow the hosts: a client of another service gets no token on a configured host")
  void serviceIdsNarrowTheHosts() throws Exception {
    Client client = client(Setup.hosts(api.hostAndPort()).serviceClient(List.of("ctc-api"), "not-ctc", api.uri("")));

    get(client, api.uri("/configured-host"));

    assertThat(api.authorizations()).containsExactly("none");
    assertThat(provider.methods()).isEmpty();
  }
}
