package com.ctcfile.token.cli.demo;

import java.net.URI;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * What every demo node is given, as four services on one clientId would be configured: the same
 * endpoint and credentials, the same database, each its own store and token manager.
 *
 * @param endpoint the token server, {@code http://127.0.0.1:<port>}
 * @param clientId the clientId all nodes share
 * @param clientSecret its secret
 * @param refreshAhead how long before expiry a node renews
 * @param dataSource the database all nodes share; no node closes it
 * @param table the store's table
 * @param callers how many calls each node keeps going at once
 */
record NodeSetup(URI endpoint, String clientId, String clientSecret, Duration refreshAhead, DataSource dataSource,
    String table, int callers) {

  /** The protected API every node calls. */
  URI protectedUri() {
    return URI.create(endpoint + "/api/protected");
  }

  /** {@code host:port} of the endpoint: the one host that gets the token. */
  String apiHost() {
    return endpoint.getAuthority();
  }
}
