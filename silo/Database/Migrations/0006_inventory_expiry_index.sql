-- Grid schema 6: when each SKU-location's next reservation falls due, written with its state. One cluster-wide
-- sweep finds the SKU-locations due that no silo holds (after a restart, or once deactivated) and wakes them, so
-- expiry needs no reminder per SKU-location and costs nothing extra on the write path.

ALTER TABLE grid_inventory ADD COLUMN IF NOT EXISTS next_expiry timestamptz NULL;

CREATE INDEX IF NOT EXISTS ix_grid_inventory_next_expiry
    ON grid_inventory (service_id, next_expiry)
    WHERE next_expiry IS NOT NULL;
