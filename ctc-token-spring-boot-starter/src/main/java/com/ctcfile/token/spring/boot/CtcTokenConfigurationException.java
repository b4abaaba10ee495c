package com.ctcfile.token.spring.boot;

import com.ctcfile.token.CtcTokenException;
import java.util.Objects;

/**
 * A {@code ctc.token.*} property is missing, malformed, or asks for something the application lacks
 * (a {@code DataSource} for {@code store=jdbc}, say). Thrown while the context starts;
 * {@link CtcTokenFailureAnalyzer} reports it. The message names the property and never quotes the
 * client secret. Immutable.
 */
public final class CtcTokenConfigurationException extends CtcTokenException {

  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * @param property the full name of the property at fault, e.g. {@code ctc.token.client-id}
   * @param message what is wrong and how to fix it
   */
  public CtcTokenConfigurationException(String property, String message) {
    super(message);
    this.property = Objects.requireNonNull(property, "property");
  }

  CtcTokenConfigurationException(String property, String message, Throwable cause) {
    super(message, cause);
    this.property = Objects.requireNonNull(property, "property");
  }

  /** The full name of the property at fault, e.g. {@code ctc.token.client-id}. */
  public String property() {
    return property;
  }
}
