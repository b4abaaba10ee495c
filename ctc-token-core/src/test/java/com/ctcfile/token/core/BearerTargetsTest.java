package com.ctcfile.token.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ctcfile.token.CtcTokenException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every bearer integration's builder hands its integration: which requests get the token. */
class BearerTargetsTest {

  @Test
  @DisplayName("no host at all is refused with IllegalStateException, a malformed one with IllegalArgumentException")
  void needsAtLeastOneWellFormedHost() {
    assertThatThrownBy(() -> BearerTargets.of(List.of(), false))
        .isInstanceOf(IllegalStateException.class).hasMessage("add at least one host(...) that gets the token");
    assertThatThrownBy(() -> BearerTargets.of(List.of("https://api.ctcfile.com"), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a URL");
    assertThatThrownBy(() -> BearerTargets.of(null, false)).isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("authorizes the configured hosts only, over https and to loopback over plain http")
  void authorizesConfiguredHosts() {
    BearerTargets targets = BearerTargets.of(List.of("api.ctcfile.com", "127.0.0.1:8080"), false);

    assertThat(targets.authorizes(URI.create("https://api.ctcfile.com/v1/files"))).isTrue();
    assertThat(targets.authorizes("https", "API.ctcfile.com.", 443)).isTrue();
    assertThat(targets.authorizes(URI.create("http://127.0.0.1:8080/orders"))).isTrue();
    assertThat(targets.authorizes(URI.create("http://127.0.0.1:8081/orders"))).isFalse();
    assertThat(targets.authorizes(URI.create("http://elsewhere.example/orders"))).as("plain http elsewhere: not ours")
        .isFalse();
    assertThat(targets.authorizes(URI.create("mailto:someone@api.ctcfile.com"))).as("no host").isFalse();
  }

  @Test
  @DisplayName("a configured host over plain http is refused with CtcTokenException naming scheme, host and port only")
  void refusesPlainHttpToAConfiguredHost() {
    BearerTargets targets = BearerTargets.of(List.of("api.ctcfile.com", "fd00::1"), false);

    assertThatThrownBy(() -> targets.authorizes(URI.create("http://api.ctcfile.com:8080/orders?id=1")))
        .isInstanceOf(CtcTokenException.class)
        .hasMessage(BearerFailures.plainHttpRefused("http://api.ctcfile.com:8080", "allowInsecureHttp(true)").getMessage());
    assertThatThrownBy(() -> targets.authorizes("http", "api.ctcfile.com", -1))
        .hasMessageContaining(" http://api.ctcfile.com over plain http");
    assertThatThrownBy(() -> targets.authorizes("http", "fd00::1", 80)).hasMessageContaining(" http://[fd00::1]:80 ");
    assertThatThrownBy(() -> targets.authorizes("http", "[fd00::1]", 80)).hasMessageContaining(" http://[fd00::1]:80 ");
  }

  @Test
  @DisplayName("allowInsecureHttp(true) lets the token over plain http to the configured hosts, and says so")
  void allowsPlainHttpWhenTold() {
    BearerTargets strict = BearerTargets.of(List.of("api.ctcfile.com"), false);
    BearerTargets lenient = BearerTargets.of(List.of("api.ctcfile.com"), true);

    assertThat(lenient.authorizes(URI.create("http://api.ctcfile.com/orders"))).isTrue();
    assertThat(lenient).hasToString("hosts=[api.ctcfile.com], insecure http allowed");
    assertThat(strict).hasToString("hosts=[api.ctcfile.com]");
  }
}
