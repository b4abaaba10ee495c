package com.ctcfile.token.spring.boot;

import com.ctcfile.token.store.jdbc.JdbcTokenStore;
import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires a {@link JdbcTokenStore} for {@code ctc.token.store=jdbc}: the one class of the starter that
 * knows {@code ctc-store-jdbc}, an optional dependency. Skipped, before its class is even loaded, when
 * {@code JdbcTokenStore} is not on the class path; {@link CtcTokenAutoConfiguration} then reports
 * what is missing. The {@code DataSource} is looked up when the store is made, so it may come from
 * any configuration, Spring Boot's {@code DataSourceAutoConfiguration} included; it stays the
 * application's and is never closed here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "com.ctcfile.token.store.jdbc.JdbcTokenStore")
class CtcTokenJdbcStoreConfiguration {

  @Bean
  SharedStoreFactory ctcTokenJdbcStoreFactory(CtcTokenProperties properties, ListableBeanFactory beans) {
    return () -> {
      CtcTokenProperties.Jdbc jdbc = properties.getJdbc();
      DataSource dataSource = dataSource(beans, jdbc);
      try {
        return JdbcTokenStore.builder(dataSource)
            .tableName(jdbc.getTableName().trim())
            .createTableIfMissing(jdbc.isCreateTable())
            .build();
      } catch (IllegalArgumentException e) {
        throw CtcTokenProperties.invalid("jdbc.table-name", "is not usable: " + e.getMessage());
      }
    };
  }

  private static DataSource dataSource(ListableBeanFactory beans, CtcTokenProperties.Jdbc jdbc) {
    if (jdbc.dataSourceName().isPresent()) {
      String name = jdbc.dataSourceName().get();
      try {
        return beans.getBean(name, DataSource.class);
      } catch (NoSuchBeanDefinitionException e) {
        throw CtcTokenProperties.invalid("jdbc.data-source", "names no DataSource bean: " + name
            + " (DataSource beans: " + Arrays.toString(names(beans)) + ")");
      }
    }
    try {
      return beans.getBeanProvider(DataSource.class).getObject();
    } catch (NoUniqueBeanDefinitionException e) {
      throw new CtcTokenConfigurationException(CtcTokenProperties.PREFIX + ".jdbc.data-source",
          CtcTokenProperties.PREFIX + ".store=jdbc found several DataSource beans " + Arrays.toString(names(beans))
              + " and none is @Primary: name one with " + CtcTokenProperties.PREFIX + ".jdbc.data-source", e);
    } catch (NoSuchBeanDefinitionException e) {
      throw new CtcTokenConfigurationException(CtcTokenProperties.PREFIX + ".store",
          CtcTokenProperties.PREFIX + ".store=jdbc needs a javax.sql.DataSource bean, e.g. from"
              + " spring-boot-starter-jdbc and spring.datasource.url", e);
    }
  }

  private static String[] names(ListableBeanFactory beans) {
    return BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, DataSource.class);
  }
}
