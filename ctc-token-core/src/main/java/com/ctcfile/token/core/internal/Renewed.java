package com.ctcfile.token.core.internal;

import com.ctcfile.token.AccessToken;
import java.time.Duration;

/**
 * The outcome of a successful renewal: the token, when it expires on this node's monotonic clock, the
 * lifetime it was issued with, and whether this node fetched it or found it in the store.
 */
public record Renewed(AccessToken token, long expiresAtNanos, Duration lifetime, boolean fetched) {}
