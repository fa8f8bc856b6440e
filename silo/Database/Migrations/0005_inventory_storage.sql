-- Grid schema 5: state of the SKU-location grains, stored so that a write costs what changed rather than what is
-- held. One row per SKU-location with everything but its reservations (bounded in size), and one row per
-- reservation, written only when that reservation changes. A hot SKU-location holding thousands of reservations
-- thus writes one header and the handful of reservations a batch of commands touched, in one statement.

CREATE TABLE IF NOT EXISTS grid_inventory
(
    service_id  varchar(150) NOT NULL,
    grain_key   varchar(200) NOT NULL,
    version     integer      NOT NULL,
    header      bytea        NOT NULL,
    modified_on timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_key)
);

CREATE TABLE IF NOT EXISTS grid_inventory_reservation
(
    service_id     varchar(150) NOT NULL,
    grain_key      varchar(200) NOT NULL,
    reservation_id varchar(128) NOT NULL,
    payload        bytea        NOT NULL,
    PRIMARY KEY (service_id, grain_key, reservation_id)
);
