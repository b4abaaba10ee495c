package com.ctcfile.token.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option: {@code 20s}, {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, an
 * ISO-8601 {@code PT20S}, or a bare number of seconds. Negative values are refused; a command
 * checks its own bounds.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (text.startsWith("pt")) {
      try {
        Duration parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
        if (parsed.isNegative()) {
          throw new TypeConversionException("'" + value + "' is negative");
        }
        return parsed;
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a duration such as 20s, 500ms or 2m");
      }
    }
    Matcher matcher = SIMPLE.matcher(text);
    if (!matcher.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration such as 20s, 500ms or 2m");
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    BigDecimal millis;
    switch (unit) {
      case "ms":
        millis = amount;
        break;
      case "m":
        millis = amount.multiply(BigDecimal.valueOf(60_000));
        break;
      case "h":
        millis = amount.multiply(BigDecimal.valueOf(3_600_000));
        break;
      default:
        millis = amount.multiply(BigDecimal.valueOf(1000));
    }
    try {
      return Duration.ofMillis(millis.longValueExact());
    } catch (ArithmeticException e) {
      throw new TypeConversionException("'" + value + "' is not a whole number of milliseconds, or too long");
    }
  }
}
