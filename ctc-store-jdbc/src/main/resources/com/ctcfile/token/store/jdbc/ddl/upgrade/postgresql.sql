-- ctc-token: brings a PostgreSQL token table created by an earlier version of ctc-store-jdbc up to
-- date (tested). Each statement adds one column the store needs for lease ids, for settling after a
-- fetch of unknown outcome and for the fleet's rejection limit; each is safe to run again. Replace
-- ctc_access_token with your table's name. JdbcTokenStore with createTableIfMissing(true) runs the
-- ones a table lacks by itself.
-- tag::upgrade-postgresql[]
ALTER TABLE ctc_access_token ADD COLUMN IF NOT EXISTS lease_id VARCHAR(64);
ALTER TABLE ctc_access_token ADD COLUMN IF NOT EXISTS settle_until TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE ctc_access_token ADD COLUMN IF NOT EXISTS rejection_fetch_at TIMESTAMP(3) WITH TIME ZONE;
-- end::upgrade-postgresql[]
