-- Grid schema 11: the availability change feed (docs/channel-sync.md). One row per SKU-location, moved to a new
-- position from a sequence each time a write changes its availability, in the same statement (and so the same
-- transaction) as the state write: the feed never disagrees with what was acknowledged, and latest wins, so a reader
-- never has more to read than there are SKU-locations. Readers read positions in order up to a safe horizon (see
-- PostgresAvailabilityFeed). The epoch names this database's feed: a cursor kept across a reset is recognised.

CREATE SEQUENCE IF NOT EXISTS grid_availability_feed_position AS bigint;

CREATE TABLE IF NOT EXISTS grid_availability_feed
(
    service_id varchar(150) NOT NULL,
    grain_key  varchar(200) NOT NULL,
    position   bigint       NOT NULL,
    PRIMARY KEY (service_id, grain_key)
);

CREATE INDEX IF NOT EXISTS grid_availability_feed_by_position ON grid_availability_feed (service_id, position);

CREATE TABLE IF NOT EXISTS grid_availability_feed_epoch
(
    single boolean PRIMARY KEY DEFAULT true CHECK (single),
    epoch  text    NOT NULL
);

INSERT INTO grid_availability_feed_epoch (epoch)
VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 16))
ON CONFLICT DO NOTHING;
