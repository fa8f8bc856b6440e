-- Grid schema 3: grain state for the ADO.NET persistence provider.
-- A row is one grain's state under one state name; the unique index makes two racing first writes of the
-- same grain produce one row (the loser gets no version back, which Orleans reports as an inconsistent state).

CREATE TABLE IF NOT EXISTS orleans_storage
(
    grain_id_hash      integer      NOT NULL,
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_type_hash    integer      NOT NULL,
    grain_type         varchar(512) NOT NULL,
    grain_id_extension varchar(512) NULL,
    service_id         varchar(150) NOT NULL,
    payload            bytea        NULL,
    modified_on        timestamptz  NOT NULL DEFAULT now(),
    version            integer      NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain
    ON orleans_storage (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, service_id)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
  AND service_id = @ServiceId;'),

('WriteToStorageKey', '
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, modified_on = now(), version = version + 1
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND service_id = @ServiceId
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_storage
        (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash, grain_type, grain_id_extension, service_id, payload, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, service_id) DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS NewGrainStateVersion;'),

('ClearStorageKey', '
UPDATE orleans_storage
SET payload = NULL, modified_on = now(), version = version + 1
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
  AND service_id = @ServiceId
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;'),

('DeleteStorageKey', '
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
  AND service_id = @ServiceId
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
