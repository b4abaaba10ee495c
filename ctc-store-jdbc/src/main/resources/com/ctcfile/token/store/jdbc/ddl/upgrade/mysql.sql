-- ctc-token: brings a MySQL or MariaDB token table created by an earlier version of ctc-store-jdbc
-- up to date (tested on MariaDB). Each statement adds one column the store needs for lease ids, for
-- settling after a fetch of unknown outcome and for the fleet's rejection limit. MySQL has no
-- ADD COLUMN IF NOT EXISTS: run only the statements for columns the table lacks (a second run fails
-- with "Duplicate column name" and changes nothing). Replace ctc_access_token with your table's name.
-- JdbcTokenStore with createTableIfMissing(true) runs the ones a table lacks by itself.
-- tag::upgrade-mysql[]
ALTER TABLE ctc_access_token ADD COLUMN lease_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE ctc_access_token ADD COLUMN settle_until DATETIME(3) NULL;
ALTER TABLE ctc_access_token ADD COLUMN rejection_fetch_at DATETIME(3) NULL;
-- end::upgrade-mysql[]
