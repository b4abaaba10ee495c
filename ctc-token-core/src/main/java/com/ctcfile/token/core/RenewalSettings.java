package com.ctcfile.token.core;

import java.time.Duration;

/**
 * The durations and identity a {@link FleetRenewal} runs by, as the builder validated them.
 *
 * @param owner this node's lease owner name
 * @param leaseDuration how long a lease lasts
 * @param pollInterval how often a waiting node re-reads the store
 * @param storeTimeout the deadline of every store call, at most the lease
 * @param settlePeriod how long the fleet waits after a fetch of unknown outcome
 * @param rejectionInterval the least time between two rejection-triggered fetches of the fleet
 */
record RenewalSettings(String owner, Duration leaseDuration, Duration pollInterval, Duration storeTimeout,
    Duration settlePeriod, Duration rejectionInterval) {}
