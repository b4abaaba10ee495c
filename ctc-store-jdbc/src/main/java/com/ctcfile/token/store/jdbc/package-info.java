/**
 * The shared token store on JDBC: {@link com.ctcfile.token.store.jdbc.JdbcTokenStore} is the one
 * public type; everything else here is package-private.
 */
package com.ctcfile.token.store.jdbc;
