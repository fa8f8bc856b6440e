-- Grid schema 9: a SKU-location's recent event keys (its duplicate check) and recent movements, kept apart from its
-- header as numbered rows. Up to a few hundred of each are held, and rewriting them in the header with every change
-- made each write of a busy SKU-location carry tens of kilobytes; now a write appends the entries recorded since the
-- previous one and forgets those that fell out of the window. Headers written before this keep their lists until the
-- SKU-location is next written, which moves them here.

CREATE TABLE IF NOT EXISTS grid_inventory_journal
(
    service_id  varchar(150) NOT NULL,
    grain_key   varchar(200) NOT NULL,
    kind        smallint     NOT NULL, -- 1: event key (UTF-8), 2: movement (JSON)
    sequence    bigint       NOT NULL,
    payload     bytea        NOT NULL,
    PRIMARY KEY (service_id, grain_key, kind, sequence)
);
