-- Grid schema 8: state of Grid's other grains (SKU, supply reference, and those that follow), one row per grain and
-- state name, written with an optimistic version. Replaces the ADO.NET provider's OrleansStorage for Grid's grains so
-- that reads and writes can be batched across grains: a burst of events that wakes thousands of SKU grains reads
-- their state in a few queries instead of one connection each. orleans_storage stays for other ADO.NET storage an
-- operator may configure; Grid's grains no longer read it (no release stored state there).

CREATE TABLE IF NOT EXISTS grid_grain_state
(
    service_id  varchar(150) NOT NULL,
    grain_id    varchar(512) NOT NULL,
    state_name  varchar(150) NOT NULL,
    version     integer      NOT NULL,
    payload     bytea        NOT NULL,
    modified_on timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
);
