package com.ctcfile.token.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

/** The application context runners of the auto-configuration tests: the starter among the Spring Boot auto-configurations it meets. */
final class StarterContexts {

  private StarterContexts() {}

  /** The starter with Boot's HTTP clients only: no DataSource is ever made. */
  static ApplicationContextRunner withoutDataSources() {
    return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
        CtcTokenAutoConfiguration.class, CtcTokenRestClientAutoConfiguration.class,
        HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
        RestClientAutoConfiguration.class));
  }

  /** The starter with Boot's HTTP clients, health contributors and a simple meter registry; no ctc.token.* property yet. */
  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
        CtcTokenAutoConfiguration.class, CtcTokenRestClientAutoConfiguration.class,
        CtcTokenWebClientAutoConfiguration.class, CtcTokenHealthAutoConfiguration.class,
        CtcTokenMetricsAutoConfiguration.class,
        HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
        ReactiveHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
        RestTemplateAutoConfiguration.class, WebClientAutoConfiguration.class,
        HealthContributorAutoConfiguration.class, DataSourceAutoConfiguration.class,
        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class));
  }
}
