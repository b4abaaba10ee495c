-- The token table as the first version of ctc-store-jdbc created it, before lease ids, settling and the
-- fleet's rejection limit (no lease_id, settle_until, rejection_fetch_at). Kept to test that such tables
-- keep working: the store adds the columns, or names the ALTER statements to run.
-- ctc-token: the shared token table for Oracle Database. WRITTEN BUT NOT TESTED.
-- One row per token key (clientId@endpoint-authority). Every time is set and compared with the
-- database clock (SYSTIMESTAMP), never a node's clock. Oracle before 23ai has no
-- CREATE TABLE IF NOT EXISTS: run this once (createTableIfMissing checks for the table first).
-- Rename the table freely; pass the name to JdbcTokenStore.builder(dataSource).tableName(..).
CREATE TABLE ctc_access_token (
  token_key        VARCHAR2(255 CHAR)  NOT NULL PRIMARY KEY,
  version          NUMBER(19)          NOT NULL,
  token            VARCHAR2(1024 CHAR),
  token_type       VARCHAR2(64 CHAR),
  expires_at       TIMESTAMP(3) WITH TIME ZONE,
  lifetime_seconds NUMBER(19)          NOT NULL,
  fetched_at       TIMESTAMP(3) WITH TIME ZONE,
  lease_owner      VARCHAR2(128 CHAR),
  lease_until      TIMESTAMP(3) WITH TIME ZONE,
  last_error       VARCHAR2(64 CHAR),
  next_attempt_at  TIMESTAMP(3) WITH TIME ZONE
)
