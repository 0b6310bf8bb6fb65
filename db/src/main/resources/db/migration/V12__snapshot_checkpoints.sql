-- dnsplane schema, version 12: snapshot checkpoints.
--
-- A checkpoint is one served authdns snapshot, whole, in authdns's snapshot format (DNS wire form,
-- checked by a length and a CRC-32C trailer), with the change-log position it holds. An authdns
-- that starts with no copy of its own reads the newest checkpoint and the change-log rows after it,
-- instead of every rrset row: at a million rrsets, one sequential read of ~70 MB instead of a
-- million rows to parse. A checkpoint is written in one transaction with its chunks, so a reader
-- sees all of it or none of it; and since it is stored in the database it describes, any copy of
-- this database that holds a checkpoint also holds every change up to its position.
--
-- Checkpoints are a cache: deleting them loses nothing (the next start reads the rrset rows).
CREATE TABLE snapshot_checkpoint (
  id          bigserial PRIMARY KEY,
  -- The change-log position the snapshot holds: every change up to it, none after.
  seq         bigint NOT NULL CHECK (seq >= 0),
  -- The databaseIdentity() of the database the writer followed; a reader of another ignores it.
  database    text NOT NULL,
  rrsets      bigint NOT NULL CHECK (rrsets >= 0),
  bytes       bigint NOT NULL CHECK (bytes >= 0),
  written_by  text NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshot_checkpoint_seq_idx ON snapshot_checkpoint (seq);

CREATE TABLE snapshot_checkpoint_chunk (
  checkpoint_id  bigint NOT NULL REFERENCES snapshot_checkpoint (id) ON DELETE CASCADE,
  n              integer NOT NULL CHECK (n >= 0),
  data           bytea NOT NULL,
  PRIMARY KEY (checkpoint_id, n)
);
-- The snapshot is already dense binary; compressing it on every write and decompressing it on
-- every start would cost CPU for little space.
ALTER TABLE snapshot_checkpoint_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- Every server may read checkpoints. Writing one is a separate right (dnsplane_checkpoint_writer):
-- what a checkpoint holds is served by every server that starts from it, so only a server trusted
-- as much as the zone writers should hold it. A server without it still starts from checkpoints
-- written by others, and says once that it writes none.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_reader') THEN
    GRANT SELECT ON snapshot_checkpoint, snapshot_checkpoint_chunk TO dnsplane_reader;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_checkpoint_writer') THEN
    BEGIN
      CREATE ROLE dnsplane_checkpoint_writer NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN
        NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'role dnsplane_checkpoint_writer not created (no CREATEROLE right)';
        RETURN;
    END;
  END IF;
  GRANT USAGE ON SCHEMA public TO dnsplane_checkpoint_writer;
  GRANT SELECT, INSERT, DELETE ON snapshot_checkpoint, snapshot_checkpoint_chunk
    TO dnsplane_checkpoint_writer;
  GRANT USAGE ON SEQUENCE snapshot_checkpoint_id_seq TO dnsplane_checkpoint_writer;
END $$;
