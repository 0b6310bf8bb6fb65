-- dnsplane schema, version 8: the same rrset triggers, doing less work per row.
--
-- Measured on a 1,000-endpoint batch (3,000 rows, one upsert statement): the change-log triggers
-- built a jsonb document of every changed row and change_log_append parsed it back (about a third
-- of the statement), and rrset_lock_applied_plan ran a full query per row even when its GUC said
-- the plan was already locked (about a quarter). Nothing here changes what is refused, logged,
-- locked or notified:
--
--  * rrset_log_upserts / rrset_log_updates append the same change_log rows straight from the
--    transition table: one seq per changed row in id order (as jsonb_agg ... ORDER BY id did),
--    each touched zone's serial bumped once and that serial on its rows, nothing at all (no
--    counter, serial or NOTIFY) when no row changed, and the same NOTIFY payload (the last seq).
--    change_log_append(jsonb) stays for rrset_log_deletes (deletes are rare).
--  * rrset_lock_applied_plan tests the same conditions in the same order, but the cheap ones
--    (generation, type, generation changed, GUC) as a plain expression, so that only a row that
--    passes them pays for the endpoint lookup; that is the order the single AND evaluated them in.

CREATE OR REPLACE FUNCTION rrset_lock_applied_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.applied_generation IS NOT NULL AND NEW.type IN ('A', 'AAAA')
     AND (TG_OP = 'INSERT' OR NEW.applied_generation IS DISTINCT FROM OLD.applied_generation)
     AND coalesce(current_setting('dnsplane.locked_plan', true), '') <> NEW.applied_generation::text THEN
    IF EXISTS (SELECT 1 FROM endpoint WHERE name = NEW.name AND guarded AND deleted_at IS NULL) THEN
      -- No plan row (legacy writing a plan cleanup already deleted) is not refused here: that is
      -- the 2025 state the guard's other half keeps from going empty.
      PERFORM 1 FROM plan WHERE generation = NEW.applied_generation FOR KEY SHARE;
      PERFORM set_config('dnsplane.locked_plan', NEW.applied_generation::text, true);
    END IF;
  END IF;
  RETURN NEW;
END $$;

-- Both log functions run their queries with EXECUTE for V7's reason: a plan cached by PL/pgSQL
-- keeps the row estimates of the session's first (often empty) statement.
--
-- rdata is logged as the jsonb round trip logged it: a plain one-dimensional, one-based array
-- (every array a writer of this schema produces) as it is, and any other shape as to_jsonb then
-- jsonb_array_elements_text made of it, so the log stays V7's byte for byte. The CASE is written
-- out, not a function: a SQL function with a sub-select is not inlined, and calling one per row
-- cost more than the round trip it replaces.
CREATE OR REPLACE FUNCTION rrset_log_upserts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n     bigint;
  base  bigint;
BEGIN
  EXECUTE 'SELECT count(*) FROM changed' INTO n;
  IF n = 0 THEN RETURN NULL; END IF;
  UPDATE change_log_counter SET last_seq = last_seq + n RETURNING last_seq - n INTO base;
  EXECUTE $q$
    WITH c AS (
      SELECT row_number() OVER (ORDER BY id) AS i, zone_id, name, type, ttl, rdata FROM changed
    ), bumped AS (
      UPDATE zone z SET serial = CASE WHEN z.serial >= 4294967295 THEN 1 ELSE z.serial + 1 END
      WHERE z.id IN (SELECT zone_id FROM c)
      RETURNING z.id, z.name, z.serial
    )
    INSERT INTO change_log (seq, zone, op, name, type, ttl, rdata, serial)
    SELECT $1 + c.i, b.name, 'set', c.name, c.type, c.ttl,
           CASE WHEN array_ndims(c.rdata) = 1 AND array_lower(c.rdata, 1) = 1 THEN c.rdata
                WHEN c.rdata IS NULL THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(to_jsonb(c.rdata))) END,
           b.serial
    FROM c JOIN bumped b ON b.id = c.zone_id
    ORDER BY c.i
  $q$ USING base;
  PERFORM pg_notify('dnsplane_change', (base + n)::text);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rrset_log_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n     bigint;
  base  bigint;
BEGIN
  -- No old row with this id: the UPDATE changed the id itself; log it as V1 did.
  EXECUTE $q$
    SELECT count(*) FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
    WHERE o.id IS NULL
       OR (n.zone_id, n.name, n.type, n.ttl, n.rdata)
          IS DISTINCT FROM (o.zone_id, o.name, o.type, o.ttl, o.rdata)
  $q$ INTO n;
  IF n = 0 THEN RETURN NULL; END IF;
  UPDATE change_log_counter SET last_seq = last_seq + n RETURNING last_seq - n INTO base;
  EXECUTE $q$
    WITH c AS (
      SELECT row_number() OVER (ORDER BY n.id) AS i, n.zone_id, n.name, n.type, n.ttl, n.rdata
      FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
      WHERE o.id IS NULL
         OR (n.zone_id, n.name, n.type, n.ttl, n.rdata)
            IS DISTINCT FROM (o.zone_id, o.name, o.type, o.ttl, o.rdata)
    ), bumped AS (
      UPDATE zone z SET serial = CASE WHEN z.serial >= 4294967295 THEN 1 ELSE z.serial + 1 END
      WHERE z.id IN (SELECT zone_id FROM c)
      RETURNING z.id, z.name, z.serial
    )
    INSERT INTO change_log (seq, zone, op, name, type, ttl, rdata, serial)
    SELECT $1 + c.i, b.name, 'set', c.name, c.type, c.ttl,
           CASE WHEN array_ndims(c.rdata) = 1 AND array_lower(c.rdata, 1) = 1 THEN c.rdata
                WHEN c.rdata IS NULL THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(to_jsonb(c.rdata))) END,
           b.serial
    FROM c JOIN bumped b ON b.id = c.zone_id
    ORDER BY c.i
  $q$ USING base;
  PERFORM pg_notify('dnsplane_change', (base + n)::text);
  RETURN NULL;
END $$;
