-- Grid schema 12: each availability feed row carries the figures it was moved with (an AvailabilitySnapshot as JSON),
-- written in the same statement as the state. A feed reader then reads the feed alone: it no longer looks up every
-- changed SKU-location's state row, a row that a busy grid rewrites many times a second, and no longer decodes whole
-- state headers to find a few figures. Rows moved before this have none and are still read from their state.

ALTER TABLE grid_availability_feed ADD COLUMN IF NOT EXISTS snapshot bytea;
