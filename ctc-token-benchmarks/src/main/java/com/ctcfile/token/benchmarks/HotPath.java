package com.ctcfile.token.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link HotPathBenchmarks} on one thread. */
@Threads(1)
public class HotPath extends HotPathBenchmarks {}
