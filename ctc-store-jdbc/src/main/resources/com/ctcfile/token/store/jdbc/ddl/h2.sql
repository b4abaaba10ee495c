-- ctc-token: the shared token table for H2 (tested).
-- One row per token key (clientId@endpoint-authority). Every time is set and compared with the
-- database clock (CURRENT_TIMESTAMP), never a node's clock. Rename the table freely; pass the name
-- to JdbcTokenStore.builder(dataSource).tableName(..). A table created by an earlier version
-- (without lease_id, settle_until, rejection_fetch_at) is brought up to date by upgrade/h2.sql.
-- tag::ddl-h2[]
CREATE TABLE IF NOT EXISTS ctc_access_token (
  token_key          VARCHAR(255)  NOT NULL PRIMARY KEY,
  version            BIGINT        NOT NULL,
  token              VARCHAR(1024),
  token_type         VARCHAR(64),
  expires_at         TIMESTAMP(3) WITH TIME ZONE,
  lifetime_seconds   BIGINT        NOT NULL,
  fetched_at         TIMESTAMP(3) WITH TIME ZONE,
  lease_owner        VARCHAR(128),
  lease_id           VARCHAR(64),
  lease_until        TIMESTAMP(3) WITH TIME ZONE,
  last_error         VARCHAR(64),
  next_attempt_at    TIMESTAMP(3) WITH TIME ZONE,
  settle_until       TIMESTAMP(3) WITH TIME ZONE,
  rejection_fetch_at TIMESTAMP(3) WITH TIME ZONE
)
-- end::ddl-h2[]
