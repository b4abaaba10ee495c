package com.ctcfile.token.transport.httpclient5.archfixture;

/** A name that says nothing about its role. */
public class TransportImpl {}
