package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.BearerHosts;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code ctc.token.*} properties that configure the {@link com.ctcfile.token.TokenProvider} bean
 * and the bearer filter; see the README for the table. Micronaut binds them;
 * {@link CtcTokenFactory} calls {@link #validate()} at startup, so a missing or malformed property
 * fails the application context with a message naming it.
 *
 * <p>Mutable, as Micronaut's binding needs, and not thread-safe while being bound; read-only in
 * practice afterwards. {@link #toString()} never shows the client secret.
 */
@ConfigurationProperties(CtcTokenProperties.PREFIX)
public class CtcTokenProperties {

  /** The prefix of every property of this module. */
  public static final String PREFIX = "ctc.token";

  /** The value of {@code ctc.token.store} that keeps the token in this process only. */
  public static final String STORE_MEMORY = "memory";
  /** The value of {@code ctc.token.store} that shares the token through a database. */
  public static final String STORE_JDBC = "jdbc";

  private String endpoint;
  private String clientId;
  private String clientSecret;
  private Duration refreshAhead;
  private Duration fetchTimeout = Duration.ofSeconds(10);
  private Duration leaseDuration = Duration.ofSeconds(30);
  private boolean allowInsecureHttp;
  private String store = STORE_MEMORY;
  private FilterProperties filter = new FilterProperties();
  private JdbcProperties jdbc = new JdbcProperties();
  private HealthProperties health = new HealthProperties();
  private MetricsProperties metrics = new MetricsProperties();

  /** {@code ctc.token.endpoint}: the CTC site, e.g. {@code https://coresite.ctcfile.com}. Required. */
  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  /** {@code ctc.token.client-id}. Required. */
  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  /** {@code ctc.token.client-secret}. Required; never printed. */
  public String getClientSecret() {
    return clientSecret;
  }

  public void setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
  }

  /** {@code ctc.token.refresh-ahead}; empty means the library's default (min(5 min, 20% of lifetime)). */
  public Optional<Duration> getRefreshAhead() {
    return Optional.ofNullable(refreshAhead);
  }

  public void setRefreshAhead(Duration refreshAhead) {
    this.refreshAhead = refreshAhead;
  }

  /** {@code ctc.token.fetch-timeout}: the whole token fetch, connect to last byte. Default 10 s. */
  public Duration getFetchTimeout() {
    return fetchTimeout;
  }

  public void setFetchTimeout(Duration fetchTimeout) {
    this.fetchTimeout = fetchTimeout;
  }

  /** {@code ctc.token.lease-duration}: how long a node may hold the fleet's renewal lease. Default 30 s. */
  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  /**
   * {@code ctc.token.allow-insecure-http}: allows plain http to hosts other than loopback, for the
   * token request and for the token on API calls. Default false.
   */
  public boolean isAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  public void setAllowInsecureHttp(boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /** {@code ctc.token.store}: {@value #STORE_MEMORY} (default) or {@value #STORE_JDBC}. */
  public String getStore() {
    return store;
  }

  public void setStore(String store) {
    this.store = store;
  }

  /** {@code ctc.token.filter.*}. */
  public FilterProperties getFilter() {
    return filter;
  }

  public void setFilter(FilterProperties filter) {
    this.filter = filter;
  }

  /** {@code ctc.token.jdbc.*}. */
  public JdbcProperties getJdbc() {
    return jdbc;
  }

  public void setJdbc(JdbcProperties jdbc) {
    this.jdbc = jdbc;
  }

  /** {@code ctc.token.health.*}. */
  public HealthProperties getHealth() {
    return health;
  }

  public void setHealth(HealthProperties health) {
    this.health = health;
  }

  /** {@code ctc.token.metrics.*}. */
  public MetricsProperties getMetrics() {
    return metrics;
  }

  public void setMetrics(MetricsProperties metrics) {
    this.metrics = metrics;
  }

  /** {@link #getEndpoint()} as a URI; call {@link #validate()} first. */
  public URI endpointUri() {
    return URI.create(endpoint.trim());
  }

  /** {@link #getStore()} normalised: {@value #STORE_MEMORY} or {@value #STORE_JDBC}; call {@link #validate()} first. */
  public String storeKind() {
    return store.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Checks every property and fails with the first problem, naming the property.
   *
   * @throws ConfigurationException if a property is missing or malformed
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
    if (store == null || !(STORE_MEMORY.equals(storeKind()) || STORE_JDBC.equals(storeKind()))) {
      throw invalid("store", "must be " + STORE_MEMORY + " or " + STORE_JDBC + ", not '" + store + "'");
    }
    filter.validate();
    jdbc.validate();
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

  static ConfigurationException invalid(String property, String problem) {
    return new ConfigurationException(PREFIX + "." + property + " " + problem);
  }

  private static void requireText(String value, String property, String what) {
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(PREFIX + "." + property + " is missing: set it to " + what);
    }
  }

  private static void requirePositive(Duration value, String property) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(property, "must be a positive duration such as 10s, not " + value);
    }
  }

  /**
   * {@code ctc.token.filter.*}: which requests of the application's HTTP clients get the token.
   * A request gets it when its actual host and port is one of {@link #getHosts() hosts} (the
   * endpoint's host and port when none is configured), it comes from a client of one of
   * {@link #getServiceIds() service-ids} if any are configured, and its path matches one of
   * {@link #getPatterns() patterns} (every path when none is). Service ids narrow the hosts, never
   * widen them: a service client's request to any other host, after a redirect or by an absolute
   * URI, gets no token.
   */
  @ConfigurationProperties("filter")
  public static class FilterProperties {
    private boolean enabled = true;
    private List<String> hosts = new ArrayList<>();
    private List<String> serviceIds = new ArrayList<>();
    private List<String> patterns = new ArrayList<>();

    /** {@code ctc.token.filter.enabled}: whether the bearer filter is installed. Default true. */
    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * {@code ctc.token.filter.hosts}: host names or addresses, optionally with a port, e.g.
     * {@code api.ctcfile.com} or {@code 127.0.0.1:8080}; compared literally, case-insensitively.
     */
    public List<String> getHosts() {
      return hosts;
    }

    public void setHosts(List<String> hosts) {
      this.hosts = hosts == null ? new ArrayList<>() : hosts;
    }

    /**
     * {@code ctc.token.filter.service-ids}: ids of {@code @Client("id")} clients; when set, only their
     * requests get the token, and only to the {@link #getHosts() hosts}.
     */
    public List<String> getServiceIds() {
      return serviceIds;
    }

    public void setServiceIds(List<String> serviceIds) {
      this.serviceIds = serviceIds == null ? new ArrayList<>() : serviceIds;
    }

    /** {@code ctc.token.filter.patterns}: Ant-style path patterns such as {@code /api/**}. */
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
      for (String serviceId : serviceIds) {
        if (serviceId == null || serviceId.isBlank()) {
          throw invalid("filter.service-ids", "must not contain a blank id");
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
      return "{enabled=" + enabled + ", hosts=" + hosts + ", serviceIds=" + serviceIds + ", patterns=" + patterns + "}";
    }
  }

  /** {@code ctc.token.jdbc.*}: the shared store used with {@code ctc.token.store=jdbc}. */
  @ConfigurationProperties("jdbc")
  public static class JdbcProperties {
    private String tableName = "ctc_access_token";
    private boolean createTable;
    private String dataSource;

    /** {@code ctc.token.jdbc.table-name}. Default {@code ctc_access_token}. */
    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }

    /** {@code ctc.token.jdbc.create-table}: create the table, at the first use, if it is missing. Default false (schemas are usually owned by migrations). */
    public boolean isCreateTable() {
      return createTable;
    }

    public void setCreateTable(boolean createTable) {
      this.createTable = createTable;
    }

    /**
     * {@code ctc.token.jdbc.data-source}: the name of the {@code DataSource} bean to use, e.g.
     * {@code tokens} for {@code datasources.tokens}; empty means the primary one ({@code datasources.default}
     * with micronaut-jdbc) or the only one.
     */
    public Optional<String> getDataSource() {
      return Optional.ofNullable(dataSource).filter(name -> !name.isBlank());
    }

    public void setDataSource(String dataSource) {
      this.dataSource = dataSource;
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

  /**
   * {@code ctc.token.health.*}: the {@code ctc-token} health indicator, present when
   * micronaut-management is on the class path.
   */
  @ConfigurationProperties("health")
  public static class HealthProperties {
    /** The property that switches the health indicator off. */
    public static final String ENABLED = PREFIX + ".health.enabled";

    private boolean enabled = true;

    /** {@code ctc.token.health.enabled}: whether the {@code ctc-token} health indicator is installed. Default true. */
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
  @ConfigurationProperties("metrics")
  public static class MetricsProperties {
    /** The property that switches the meters off. */
    public static final String ENABLED = PREFIX + ".metrics.enabled";

    private boolean enabled = true;
    private boolean hashClientIds;

    /** {@code ctc.token.metrics.enabled}: whether the meters are bound. Default true. */
    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * {@code ctc.token.metrics.hash-client-ids}: tag meters with the first 8 hex digits of the
     * clientId's SHA-256 instead of the clientId. Default false.
     */
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
