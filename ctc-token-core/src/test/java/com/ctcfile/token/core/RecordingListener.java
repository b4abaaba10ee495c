package com.ctcfile.token.core;

import com.ctcfile.token.CtcTokenException;
import com.ctcfile.token.core.port.TokenEventListener;
import com.ctcfile.token.core.port.TokenKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes every event as one line, e.g. {@code fetchSucceeded v1}. */
class RecordingListener implements TokenEventListener {

  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void fetchStarted(TokenKey key, FetchReason reason) {
    events.add("fetchStarted " + reason);
  }

  @Override
  public void fetchSucceeded(TokenKey key, long version, Duration took) {
    events.add("fetchSucceeded v" + version);
  }

  @Override
  public void fetchFailed(TokenKey key, CtcTokenException failure, Duration retryIn) {
    events.add("fetchFailed " + failure.getClass().getSimpleName());
  }

  @Override
  public void tokenAdopted(TokenKey key, long version) {
    events.add("tokenAdopted v" + version);
  }

  @Override
  public void renewedAfterRejection(TokenKey key, long rejectedVersion, long newVersion, boolean fetched) {
    events.add("renewedAfterRejection v" + rejectedVersion + "->v" + newVersion + (fetched ? " fetched" : " found"));
  }

  @Override
  public void rejectionRateLimited(TokenKey key, long rejectedVersion, Duration retryAfter) {
    events.add("rejectionRateLimited v" + rejectedVersion);
  }

  @Override
  public void leaseLost(TokenKey key, long seenVersion) {
    events.add("leaseLost v" + seenVersion);
  }

  @Override
  public void storeFailed(TokenKey key, CtcTokenException failure) {
    events.add("storeFailed");
  }
}
