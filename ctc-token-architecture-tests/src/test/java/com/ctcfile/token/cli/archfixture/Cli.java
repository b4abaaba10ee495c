package com.ctcfile.token.cli.archfixture;

/** Stands in for the CLI, a composition root nothing in the library may use. */
public class Cli {}
