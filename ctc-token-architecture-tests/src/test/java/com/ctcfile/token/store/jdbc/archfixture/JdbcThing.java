package com.ctcfile.token.store.jdbc.archfixture;

/** Stands in for a class of the JDBC adapter. */
public class JdbcThing {}
