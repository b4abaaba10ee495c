package com.ctcfile.token.spring.boot;

import com.ctcfile.token.core.BearerHosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code ctc.token.*} properties: the same names and defaults as the Micronaut module's, so that an
 * application moves between the two frameworks without renaming anything. Spring binds them;
 * {@link CtcTokenAutoConfiguration} calls {@link #validate()} when it builds the token provider, so a
 * missing or malformed property fails startup with a {@link CtcTokenConfigurationException} naming
 * it, which {@link CtcTokenFailureAnalyzer} turns into Spring Boot's "APPLICATION FAILED TO START"
 * report. A value that cannot be converted at all (a duration such as {@code 10 seconds}) fails
 * earlier, in Spring's own binding, whose report names the property too.
 *
 * <p>Mutable, as Spring's binding needs, and not thread-safe while being bound; read-only in practice
 * afterwards. {@link #toString()} never shows the client secret.
 */
@ConfigurationProperties(CtcTokenProperties.PREFIX)
public class CtcTokenProperties {

  /** The prefix of every property of this starter. */
  public static final String PREFIX = "ctc.token";

  /** The value of {@code ctc.token.store} that keeps the token in this process only. */
  public static final String STORE_MEMORY = "memory";
  /** The value of {@code ctc.token.store} that shares the token through a database. */
  public static final String STORE_JDBC = "jdbc";

  /** The CTC site, e.g. https://coresite.ctcfile.com; /oauth/accesstoken is appended. Required. */
  private String endpoint;

  /** Your CTC clientId. Required. */
  private String clientId;

  /** Your CTC clientSecret. Required; never logged, printed or stored. Set it from the environment (CTC_TOKEN_CLIENT_SECRET). */
  private String clientSecret;

  /** How long before expiry the token is renewed. Default: min(5 min, 20% of the token's lifetime). */
  private Duration refreshAhead;

  /** The whole token fetch, connect to last byte. */
  private Duration fetchTimeout = Duration.ofSeconds(10);

  /** How long a node may hold the fleet's renewal lease; must exceed fetch-timeout. */
  private Duration leaseDuration = Duration.ofSeconds(30);

  /** Allow plain http to hosts other than loopback, for the token request and for the token on API calls. */
  private boolean allowInsecureHttp;

  /** Where the token lives: memory (this process only) or jdbc (shared by every instance through the application's DataSource; needs ctc-store-jdbc). */
  private String store = STORE_MEMORY;

  private final Filter filter = new Filter();
  private final Jdbc jdbc = new Jdbc();
  private final Health health = new Health();
  private final Metrics metrics = new Metrics();

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  public String getClientSecret() {
    return clientSecret;
  }

  public void setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
  }

  /** {@code ctc.token.refresh-ahead}, or {@code null} for the library's default. */
  public Duration getRefreshAhead() {
    return refreshAhead;
  }

  public void setRefreshAhead(Duration refreshAhead) {
    this.refreshAhead = refreshAhead;
  }

  public Duration getFetchTimeout() {
    return fetchTimeout;
  }

  public void setFetchTimeout(Duration fetchTimeout) {
    this.fetchTimeout = fetchTimeout;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  public boolean isAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  public void setAllowInsecureHttp(boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  public String getStore() {
    return store;
  }

  public void setStore(String store) {
    this.store = store;
  }

  public Filter getFilter() {
    return filter;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Health getHealth() {
    return health;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  /** {@link #getEndpoint()} as a URI; call {@link #validate()} first. */
  public URI endpointUri() {
    return URI.create(endpoint.trim());
  }

  /** Whether {@code ctc.token.store} is {@value #STORE_JDBC}; call {@link #validate()} first. */
  public boolean sharedThroughJdbc() {
    return STORE_JDBC.equals(store.trim().toLowerCase(Locale.ROOT));
  }

  /**
   * Checks every property and fails with the first problem, naming the property. The messages are
   * the Micronaut module's, word for word.
   *
   * @throws CtcTokenConfigurationException if a property is missing or malformed
   */
  public void validate() {
    requireText(endpoint, "endpoint", "the CTC site, e.g. https://coresite.ctcfile.com");
    URI uri;
    try {
      uri = new URI(endpoint.trim());
    } catch (URISyntaxException e) {
      throw invalid("endpoint", "is not a URI: " + e.getReason());
    }
    if (!uri.isAbsolute() || uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw invalid("endpoint", "must be an absolute http(s) URI with a host, e.g. https://coresite.ctcfile.com");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw invalid("endpoint", "must have no query, fragment or user info");
    }
    if (!BearerHosts.mayCarryToken(uri.getScheme(), uri.getHost(), allowInsecureHttp)) {
      throw invalid("endpoint", "uses plain http to a host that is not loopback, so the client secret would cross"
          + " the network in clear text: use https, or set " + PREFIX + ".allow-insecure-http=true");
    }
    requireText(clientId, "client-id", "your CTC clientId");
    requireText(clientSecret, "client-secret", "your CTC clientSecret");
    requirePositive(fetchTimeout, "fetch-timeout");
    requirePositive(leaseDuration, "lease-duration");
    if (refreshAhead != null && refreshAhead.isNegative()) {
      throw invalid("refresh-ahead", "must not be negative");
    }
    if (leaseDuration.compareTo(fetchTimeout) <= 0) {
      throw invalid("lease-duration", "(" + leaseDuration + ") must exceed " + PREFIX + ".fetch-timeout ("
          + fetchTimeout + ")");
    }
    String kind = store == null ? "" : store.trim().toLowerCase(Locale.ROOT);
    if (!(STORE_MEMORY.equals(kind) || STORE_JDBC.equals(kind))) {
      throw invalid("store", "must be " + STORE_MEMORY + " or " + STORE_JDBC + ", not '" + store + "'");
    }
    filter.validate();
    jdbc.validate();
  }

  /**
   * Checks what the bearer integrations read: {@code filter.*}, and the endpoint when no
   * {@code filter.hosts} replace its host. Enough for an application whose own token provider bean
   * replaces the starter's, and so needs no credentials here.
   *
   * @throws CtcTokenConfigurationException if one of those is missing or malformed
   */
  public void validateTargets() {
    if (filter.getHosts().isEmpty()) {
      requireText(endpoint, "endpoint", "the CTC site, e.g. https://coresite.ctcfile.com, or set "
          + PREFIX + ".filter.hosts");
      try {
        if (new URI(endpoint.trim()).getHost() == null) {
          throw invalid("endpoint", "must be an absolute http(s) URI with a host, e.g. https://coresite.ctcfile.com");
        }
      } catch (URISyntaxException e) {
        throw invalid("endpoint", "is not a URI: " + e.getReason());
      }
    }
    filter.validate();
  }

  // the secret is the one property never shown; every other value helps whoever reads the log
  @Override
  public String toString() {
    return "CtcTokenProperties{endpoint=" + endpoint + ", clientId=" + clientId + ", clientSecret="
        + (clientSecret == null ? "unset" : "<redacted>") + ", refreshAhead=" + refreshAhead + ", fetchTimeout="
        + fetchTimeout + ", leaseDuration=" + leaseDuration + ", allowInsecureHttp=" + allowInsecureHttp
        + ", store=" + store + ", filter=" + filter + ", jdbc=" + jdbc + ", health=" + health + ", metrics=" + metrics
        + "}";
  }

  static CtcTokenConfigurationException invalid(String property, String problem) {
    return new CtcTokenConfigurationException(PREFIX + "." + property, PREFIX + "." + property + " " + problem);
  }

  private static void requireText(String value, String property, String what) {
    if (value == null || value.isBlank()) {
      throw new CtcTokenConfigurationException(PREFIX + "." + property,
          PREFIX + "." + property + " is missing: set it to " + what);
    }
  }

  private static void requirePositive(Duration value, String property) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(property, "must be a positive duration such as 10s, not " + value);
    }
  }

  /**
   * {@code ctc.token.filter.*}: which requests of the application's {@code RestClient},
   * {@code RestTemplate} and {@code WebClient} get the token. A request gets it when its host and
   * port is one of {@link #getHosts() hosts} (the endpoint's host and port when none is configured)
   * and its path matches one of {@link #getPatterns() patterns} (every path when none is).
   */
  public static class Filter {

    /** Put the token on the requests of the RestClient, RestTemplate and WebClient builders that Spring Boot configures. */
    private boolean enabled = true;

    /** Hosts (name[:port], e.g. api.ctcfile.com or 127.0.0.1:8080) whose requests get the token; replaces the endpoint's host and port. Compared literally, case-insensitively. */
    private List<String> hosts = new ArrayList<>();

    /** Ant path patterns such as /api/** that a request to one of the hosts must also match; every path when empty. */
    private List<String> patterns = new ArrayList<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getHosts() {
      return hosts;
    }

    public void setHosts(List<String> hosts) {
      this.hosts = hosts == null ? new ArrayList<>() : hosts;
    }

    public List<String> getPatterns() {
      return patterns;
    }

    public void setPatterns(List<String> patterns) {
      this.patterns = patterns == null ? new ArrayList<>() : patterns;
    }

    void validate() {
      for (String host : hosts) {
        try {
          BearerHosts.validate(host);
        } catch (IllegalArgumentException e) {
          throw invalid("filter.hosts", e.getMessage());
        }
      }
      for (String pattern : patterns) {
        if (pattern == null || !pattern.startsWith("/")) {
          throw invalid("filter.patterns", "must be path patterns starting with /, such as /api/**: " + pattern);
        }
      }
    }

    @Override
    public String toString() {
      return "{enabled=" + enabled + ", hosts=" + hosts + ", patterns=" + patterns + "}";
    }
  }

  /** {@code ctc.token.jdbc.*}: the shared store used with {@code ctc.token.store=jdbc}. */
  public static class Jdbc {

    /** Table of the shared token; optionally schema-qualified. */
    private String tableName = "ctc_access_token";

    /** Create the table at first use if it is missing (schemas are usually owned by migrations). */
    private boolean createTable;

    /** Name of the DataSource bean to use; the primary or only DataSource when empty. */
    private String dataSource;

    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }

    public boolean isCreateTable() {
      return createTable;
    }

    public void setCreateTable(boolean createTable) {
      this.createTable = createTable;
    }

    public String getDataSource() {
      return dataSource;
    }

    public void setDataSource(String dataSource) {
      this.dataSource = dataSource;
    }

    /** {@link #getDataSource()} when set and not blank. */
    public Optional<String> dataSourceName() {
      return Optional.ofNullable(dataSource).map(String::trim).filter(name -> !name.isEmpty());
    }

    void validate() {
      if (tableName == null || tableName.isBlank()) {
        throw invalid("jdbc.table-name", "must not be blank");
      }
    }

    @Override
    public String toString() {
      return "{tableName=" + tableName + ", createTable=" + createTable + ", dataSource=" + dataSource + "}";
    }
  }

  /** {@code ctc.token.health.*}: the {@code ctcToken} health indicator, present with Spring Boot's health support. */
  public static class Health {

    /** Install the ctcToken health indicator (readiness group, not liveness). */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public String toString() {
      return "{enabled=" + enabled + "}";
    }
  }

  /**
   * {@code ctc.token.metrics.*}: the {@code ctc.token.*} meters, bound when ctc-token-micrometer is on
   * the class path and the application has a {@code MeterRegistry} bean.
   */
  public static class Metrics {

    /** Bind the ctc.token.* meters to the application's MeterRegistry. */
    private boolean enabled = true;

    /** Tag meters with the first 8 hex digits of the clientId's SHA-256 instead of the clientId. */
    private boolean hashClientIds;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isHashClientIds() {
      return hashClientIds;
    }

    public void setHashClientIds(boolean hashClientIds) {
      this.hashClientIds = hashClientIds;
    }

    @Override
    public String toString() {
      return "{enabled=" + enabled + ", hashClientIds=" + hashClientIds + "}";
    }
  }
}
