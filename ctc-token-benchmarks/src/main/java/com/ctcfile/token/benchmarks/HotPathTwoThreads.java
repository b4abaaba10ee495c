package com.ctcfile.token.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link HotPathBenchmarks} on two threads sharing each cache: a cache whose hot path writes shared
 * memory or takes a lock gets slower per call here than on one thread.
 */
@Threads(2)
public class HotPathTwoThreads extends HotPathBenchmarks {}
