-- ctc-token: brings a SQL Server token table created by an earlier version of ctc-store-jdbc up to
-- date. WRITTEN BUT NOT TESTED. Each statement adds one column the store needs for lease ids, for
-- settling after a fetch of unknown outcome and for the fleet's rejection limit. Run only the
-- statements for columns the table lacks (a second run fails and changes nothing). Replace
-- ctc_access_token with your table's name. JdbcTokenStore with createTableIfMissing(true) runs the
-- ones a table lacks by itself.
-- tag::upgrade-sqlserver[]
ALTER TABLE ctc_access_token ADD lease_id VARCHAR(64) COLLATE Latin1_General_100_BIN2 NULL;
ALTER TABLE ctc_access_token ADD settle_until DATETIMEOFFSET(3) NULL;
ALTER TABLE ctc_access_token ADD rejection_fetch_at DATETIMEOFFSET(3) NULL;
-- end::upgrade-sqlserver[]
