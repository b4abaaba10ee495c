-- ctc-token: the shared token table for Microsoft SQL Server. WRITTEN BUT NOT TESTED.
-- One row per token key (clientId@endpoint-authority). Every time is set and compared with the
-- database clock (SYSDATETIMEOFFSET()), never a node's clock. Keys, lease owners and lease ids use a
-- binary collation: clientIds and node ids are case-sensitive. Run this once (createTableIfMissing
-- checks for the table first). Rename the table freely; pass the name to
-- JdbcTokenStore.builder(dataSource).tableName(..). A table created by an earlier version (without
-- lease_id, settle_until, rejection_fetch_at) is brought up to date by upgrade/sqlserver.sql.
-- tag::ddl-sqlserver[]
CREATE TABLE ctc_access_token (
  token_key          NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
  version            BIGINT            NOT NULL,
  token              VARCHAR(1024)     NULL,
  token_type         VARCHAR(64)       NULL,
  expires_at         DATETIMEOFFSET(3) NULL,
  lifetime_seconds   BIGINT            NOT NULL,
  fetched_at         DATETIMEOFFSET(3) NULL,
  lease_owner        NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NULL,
  lease_id           VARCHAR(64) COLLATE Latin1_General_100_BIN2 NULL,
  lease_until        DATETIMEOFFSET(3) NULL,
  last_error         NVARCHAR(64)      NULL,
  next_attempt_at    DATETIMEOFFSET(3) NULL,
  settle_until       DATETIMEOFFSET(3) NULL,
  rejection_fetch_at DATETIMEOFFSET(3) NULL
)
-- end::ddl-sqlserver[]
