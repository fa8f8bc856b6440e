-- Grid schema 10: each outbound publisher (one target and partition) stores its queue as rows: a small header of
-- counters, one row per subject (its numbering and duplicate check) and one row per entry (an event waiting, a dead
-- letter, a delivery kept for redelivery). Until now a publisher was one JSON document in grid_grain_state holding all
-- of that, rewritten with every change; under load it grew to hundreds of kilobytes per write. A write now carries
-- the rows that changed. A publisher stored the old way is read from grid_grain_state once and moved here by its
-- next write.

CREATE TABLE IF NOT EXISTS grid_outbound_publisher
(
    service_id  varchar(150) NOT NULL,
    grain_key   varchar(200) NOT NULL,
    version     integer      NOT NULL,
    header      bytea        NOT NULL,
    modified_on timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_key)
);

CREATE TABLE IF NOT EXISTS grid_outbound_subject
(
    service_id           varchar(150) NOT NULL,
    grain_key            varchar(200) NOT NULL,
    subject              text         NOT NULL,
    last_sequence        bigint       NOT NULL,
    last_source_sequence bigint       NOT NULL,
    PRIMARY KEY (service_id, grain_key, subject)
);

CREATE TABLE IF NOT EXISTS grid_outbound_entry
(
    service_id  varchar(150) NOT NULL,
    grain_key   varchar(200) NOT NULL,
    kind        smallint     NOT NULL, -- 1: waiting, 2: dead letter, 3: delivered and kept (JSON)
    subject     text         NOT NULL,
    sequence    bigint       NOT NULL,
    payload     bytea        NOT NULL,
    PRIMARY KEY (service_id, grain_key, kind, subject, sequence)
);
