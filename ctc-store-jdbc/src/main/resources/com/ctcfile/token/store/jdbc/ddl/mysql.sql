-- ctc-token: the shared token table for MySQL and MariaDB (tested on MariaDB).
-- One row per token key (clientId@endpoint-authority). Times are UTC DATETIME(3) values set and
-- compared with the database clock (UTC_TIMESTAMP(3)), never a node's clock or a session time zone
-- (TIMESTAMP columns would convert with each session's zone: the store refuses them).
-- Keys, lease owners and lease ids use a binary collation: clientIds and node ids are case-sensitive.
-- Rename the table freely; pass the name to JdbcTokenStore.builder(dataSource).tableName(..). A table
-- created by an earlier version (without lease_id, settle_until, rejection_fetch_at) is brought up to
-- date by upgrade/mysql.sql.
-- tag::ddl-mysql[]
CREATE TABLE IF NOT EXISTS ctc_access_token (
  token_key          VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  version            BIGINT        NOT NULL,
  token              VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NULL,
  token_type         VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NULL,
  expires_at         DATETIME(3)   NULL,
  lifetime_seconds   BIGINT        NOT NULL,
  fetched_at         DATETIME(3)   NULL,
  lease_owner        VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  lease_id           VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NULL,
  lease_until        DATETIME(3)   NULL,
  last_error         VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  next_attempt_at    DATETIME(3)   NULL,
  settle_until       DATETIME(3)   NULL,
  rejection_fetch_at DATETIME(3)   NULL,
  PRIMARY KEY (token_key)
) ENGINE = InnoDB
-- end::ddl-mysql[]
