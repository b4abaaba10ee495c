package com.ctcfile.token.spring.boot.archfixture;

import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import org.apache.hc.core5.http.HttpHost;

/**
 * Breaks two rules on purpose: a starter class other than its JDBC configuration uses ctc-store-jdbc,
 * and the starter uses another HTTP stack.
 */
public class StoreOutsideTheAutoConfiguration {

  public Object store(javax.sql.DataSource dataSource) {
    return JdbcTokenStore.builder(dataSource).build();
  }

  public Object host() {
    return new HttpHost("https", "api.ctcfile.com", 443);
  }
}
