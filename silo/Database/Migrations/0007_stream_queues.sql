-- Grid schema 7: the queues of the PostgreSQL stream provider (warehouse and supplier events on their way to the
-- grains they are about). One row per message a producer queued; a receiver reads a queue in (transaction_id,
-- message_id) order, only rows whose transaction has ended, and deletes a row once its consumer has processed it.
-- transaction_id is the id of the transaction that queued the row, so that order never changes after a row is read.

CREATE TABLE IF NOT EXISTS grid_stream_message
(
    service_id        varchar(150) NOT NULL,
    provider          varchar(150) NOT NULL,
    queue_id          integer      NOT NULL,
    transaction_id    bigint       NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    message_id        bigint       GENERATED ALWAYS AS IDENTITY,
    stream_namespace  varchar(150) NOT NULL,
    stream_key        varchar(300) NOT NULL,
    payload           bytea        NOT NULL,
    enqueued_at       timestamptz  NOT NULL DEFAULT now(),
    delivery_attempts integer      NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, provider, queue_id, transaction_id, message_id)
);

-- Messages given up on: after too many delivery attempts, when their consumer kept failing, or when they cannot be
-- read. Kept with their payload so that an operator can replay them once the cause is fixed.
CREATE TABLE IF NOT EXISTS grid_stream_dead_letter
(
    service_id        varchar(150) NOT NULL,
    provider          varchar(150) NOT NULL,
    message_id        bigint       NOT NULL,
    queue_id          integer      NOT NULL,
    transaction_id    bigint       NOT NULL,
    stream_namespace  varchar(150) NOT NULL,
    stream_key        varchar(300) NOT NULL,
    payload           bytea        NOT NULL,
    enqueued_at       timestamptz  NOT NULL,
    delivery_attempts integer      NOT NULL,
    dead_lettered_at  timestamptz  NOT NULL DEFAULT now(),
    reason            text         NOT NULL,
    PRIMARY KEY (service_id, provider, message_id)
);

CREATE INDEX IF NOT EXISTS ix_grid_stream_dead_letter_recent
    ON grid_stream_dead_letter (service_id, provider, dead_lettered_at DESC);
