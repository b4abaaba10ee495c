/**
 * JMH benchmarks of ctc-token, side by side with the token caches of peer libraries. Not published.
 *
 * <p>Build {@code ctc-token-benchmarks/target/benchmarks.jar} with
 * {@code mvn -pl ctc-token-benchmarks package} and run every benchmark in one go with
 * {@code java -jar ctc-token-benchmarks/target/benchmarks.jar -prof gc -rf json -rff jmh.json};
 * the classes carry their own fork, warm-up and measurement settings. The module's README says what
 * each benchmark shows and which targets it checks.
 */
package com.ctcfile.token.benchmarks;
