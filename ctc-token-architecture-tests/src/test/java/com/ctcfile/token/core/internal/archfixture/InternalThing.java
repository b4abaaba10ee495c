package com.ctcfile.token.core.internal.archfixture;

/** Stands for a class of core's that is internal by its package: no other module may use it. */
public class InternalThing {}
