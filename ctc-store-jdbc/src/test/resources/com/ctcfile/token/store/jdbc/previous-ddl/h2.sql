-- The token table as the first version of ctc-store-jdbc created it, before lease ids, settling and the
-- fleet's rejection limit (no lease_id, settle_until, rejection_fetch_at). Kept to test that such tables
-- keep working: the store adds the columns, or names the ALTER statements to run.
-- ctc-token: the shared token table for H2 (tested).
-- One row per token key (clientId@endpoint-authority). Every time is set and compared with the
-- database clock (CURRENT_TIMESTAMP), never a node's clock. Rename the table freely; pass the name
-- to JdbcTokenStore.builder(dataSource).tableName(..).
CREATE TABLE IF NOT EXISTS ctc_access_token (
  token_key        VARCHAR(255)  NOT NULL PRIMARY KEY,
  version          BIGINT        NOT NULL,
  token            VARCHAR(1024),
  token_type       VARCHAR(64),
  expires_at       TIMESTAMP(3) WITH TIME ZONE,
  lifetime_seconds BIGINT        NOT NULL,
  fetched_at       TIMESTAMP(3) WITH TIME ZONE,
  lease_owner      VARCHAR(128),
  lease_until      TIMESTAMP(3) WITH TIME ZONE,
  last_error       VARCHAR(64),
  next_attempt_at  TIMESTAMP(3) WITH TIME ZONE
)
