-- dnsplane schema, version 14: snapshot checkpoints are stored lz4-compressed.
--
-- V12 stored checkpoint chunks uncompressed on the premise that a snapshot is already dense
-- binary. It is not: owners repeat their zone's suffix, TTLs and types repeat, and zlib at its
-- fastest level takes a million-name snapshot to 18% of its size. Measured on this project's
-- 1M-name bench zone (PostgreSQL 15, one checkpoint, `authdns zone checkpoint`): uncompressed 62 MB
-- stored and 64 MB of WAL per checkpoint; lz4 17 MB stored and 18 MB of WAL, written in the same
-- time (3.0-3.3 s either way) and read by a starting server in the same time (1.0-1.2 s). pglz
-- was smaller still (14 MiB) but slower to write.
--
-- lz4 is used only where the server was built with it (Debian's and most distributions'
-- packages are); elsewhere the column keeps V12's uncompressed storage. Existing checkpoints keep
-- the form they were written in until they are replaced: only new values are compressed.
DO $$
BEGIN
  IF 'lz4' = ANY (
      (SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    ALTER TABLE snapshot_checkpoint_chunk
      ALTER COLUMN data SET STORAGE EXTENDED,
      ALTER COLUMN data SET COMPRESSION lz4;
  ELSE
    RAISE NOTICE 'this PostgreSQL has no lz4: snapshot checkpoints stay uncompressed';
  END IF;
END $$;
