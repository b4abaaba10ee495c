package com.ctcfile.token.transport.micronaut;

import com.ctcfile.token.core.port.TokenStore;
import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Prototype;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.context.exceptions.NonUniqueBeanException;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Named;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Wires a {@link JdbcTokenStore} for {@code ctc.token.store=jdbc}: the one class of this module that
 * knows {@code ctc-store-jdbc}, an optional dependency. It is skipped entirely, before its class is
 * even loaded, when {@code JdbcTokenStore} is not on the class path; {@link CtcTokenFactory} then
 * reports what is missing.
 *
 * <p>Each store it makes is new and owned by the manager that takes it, which closes it; the
 * {@code DataSource} bean stays the application's.
 */
@Factory
@Requires(classes = JdbcTokenStore.class)
@Requires(property = CtcTokenProperties.PREFIX + ".store", value = CtcTokenProperties.STORE_JDBC)
class JdbcTokenStoreFactory {

  /** The name of the store bean {@link CtcTokenFactory} asks for. */
  static final String STORE_NAME = CtcTokenFactory.JDBC_STORE_NAME;

  /**
   * A new store on the application's {@code DataSource} bean: the one named by
   * {@code ctc.token.jdbc.data-source} if set, else the primary or only one.
   *
   * @throws ConfigurationException if there is no such {@code DataSource} bean, or several and none
   *     primary or named, or the table name is not usable
   */
  @Prototype
  @Named(STORE_NAME)
  public TokenStore ctcJdbcTokenStore(CtcTokenProperties properties, BeanContext beanContext) {
    CtcTokenProperties.JdbcProperties jdbc = properties.getJdbc();
    DataSource dataSource = dataSource(beanContext, jdbc.getDataSource());
    try {
      return JdbcTokenStore.builder(dataSource)
          .tableName(jdbc.getTableName().trim())
          .createTableIfMissing(jdbc.isCreateTable())
          .build();
    } catch (IllegalArgumentException e) {
      throw CtcTokenProperties.invalid("jdbc.table-name", "is not usable: " + e.getMessage());
    }
  }

  private static DataSource dataSource(BeanContext beanContext, Optional<String> name) {
    if (name.isPresent()) {
      return beanContext.findBean(DataSource.class, Qualifiers.byName(name.get()))
          .orElseThrow(() -> CtcTokenProperties.invalid("jdbc.data-source",
              "names no DataSource bean: " + name.get()));
    }
    try {
      return beanContext.findBean(DataSource.class)
          .orElseThrow(() -> new ConfigurationException(CtcTokenProperties.PREFIX + ".store=jdbc needs a"
              + " javax.sql.DataSource bean, e.g. from micronaut-jdbc-hikari and datasources.default.*"));
    } catch (NonUniqueBeanException e) {
      throw new ConfigurationException(CtcTokenProperties.PREFIX + ".store=jdbc found several DataSource beans:"
          + " name one with " + CtcTokenProperties.PREFIX + ".jdbc.data-source", e);
    }
  }
}
