-- ctc-token: brings an Oracle token table created by an earlier version of ctc-store-jdbc up to date.
-- WRITTEN BUT NOT TESTED. Each statement adds one column the store needs for lease ids, for settling
-- after a fetch of unknown outcome and for the fleet's rejection limit. Run only the statements for
-- columns the table lacks (a second run fails with ORA-01430 and changes nothing). Replace
-- ctc_access_token with your table's name. JdbcTokenStore with createTableIfMissing(true) runs the
-- ones a table lacks by itself.
-- tag::upgrade-oracle[]
ALTER TABLE ctc_access_token ADD (lease_id VARCHAR2(64 CHAR));
ALTER TABLE ctc_access_token ADD (settle_until TIMESTAMP(3) WITH TIME ZONE);
ALTER TABLE ctc_access_token ADD (rejection_fetch_at TIMESTAMP(3) WITH TIME ZONE);
-- end::upgrade-oracle[]
