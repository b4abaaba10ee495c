package com.ctcfile.token.spring.boot;

import com.ctcfile.token.core.port.TokenStore;

/**
 * Makes the shared store of {@code ctc.token.store=jdbc}: a bean only when ctc-store-jdbc is on the
 * class path ({@link CtcTokenJdbcStoreConfiguration}), so that {@link CtcTokenAutoConfiguration}
 * never names that optional module. Each store it makes is new and owned by the manager that takes it.
 */
@FunctionalInterface
interface SharedStoreFactory {

  /**
   * A new store on the application's {@code DataSource}.
   *
   * @throws CtcTokenConfigurationException if there is no usable {@code DataSource} or table name
   */
  TokenStore create();
}
