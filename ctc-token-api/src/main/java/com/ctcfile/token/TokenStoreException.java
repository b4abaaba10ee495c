package com.ctcfile.token;

/**
 * The shared token store failed (database unreachable, table missing, a value it cannot hold). A
 * provider with a shared store never fetches without the store's lease, so while the store is down it
 * serves the token it holds and fails with this exception once that token has expired.
 */
public class TokenStoreException extends CtcTokenException {

  public TokenStoreException(String message) {
    super(message);
  }

  public TokenStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
