package com.ctcfile.token.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link CtcTokenConfigurationException} anywhere in a startup failure's causes into Spring
 * Boot's "APPLICATION FAILED TO START" report: the description is the exception's message, which
 * names the property; the action says where to set it. Neither ever quotes the client secret.
 * Registered in {@code META-INF/spring.factories}; stateless.
 */
public class CtcTokenFailureAnalyzer extends AbstractFailureAnalyzer<CtcTokenConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, CtcTokenConfigurationException cause) {
    String action = "Set " + cause.property() + " in application.yml or application.properties, or as the"
        + " environment variable " + environmentName(cause.property())
        + (cause.property().endsWith("client-secret") ? " (keep the secret out of files)." : ".");
    return new FailureAnalysis(cause.getMessage(), action, cause);
  }

  // ctc.token.client-secret -> CTC_TOKEN_CLIENT_SECRET: Spring's relaxed binding reads that form too, and it
  // is the name the Micronaut module documents
  static String environmentName(String property) {
    return property.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT);
  }
}
