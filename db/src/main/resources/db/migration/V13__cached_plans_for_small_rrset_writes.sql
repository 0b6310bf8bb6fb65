-- dnsplane schema, version 13: the change-log and generation-count triggers plan a small
-- statement's queries once per session instead of once per statement. Nothing here changes what is
-- logged, counted, bumped or notified (CheaperTriggersSchemaTest and CachedTriggerPlansSchemaTest
-- replay the same writes on older schemas and compare).
--
-- Why: every query in these triggers ran with EXECUTE (V7's reason: PL/pgSQL keeps a query's plan
-- for the session, made with the row estimates of the transition tables on the call that planned
-- it, and a plan made for one row joins a million-row statement's tables in a nested loop). So
-- every write paid for parsing and planning each of them again. For the writes that keep a zone
-- current (an enactor's compare-and-set of an rrset, a transaction of a few changes), that was
-- most of the statement: a 10-row UPDATE took 0.93 ms of the database's CPU with V12's triggers,
-- 0.32 ms with none, and 0.65 ms with these queries' plans kept (pgbench, synchronous_commit off,
-- one core).
--
-- How: a statement of at most 100 rows runs the same queries as plain PL/pgSQL SQL, whose plans
-- the session keeps: they are made for at most 100 rows and serve any count up to that (a nested
-- loop over two 100-row transition tables is 10,000 comparisons). A larger statement runs them
-- with EXECUTE, planned for its own size, as before. The count that chooses (a scan of one
-- transition table) has the same plan at any size. The generation count also returns at once for
-- a statement whose rows hold no plan generation, old or new: it has nothing to count, and the
-- table it would check is unchanged.
--
-- A trigger's SQL cannot move into a function of its own: transition tables are visible only in
-- the trigger function itself, so each query is written out twice below, the same text.

CREATE OR REPLACE FUNCTION rrset_log_upserts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n     bigint;
  base  bigint;
BEGIN
  SELECT count(*) INTO n FROM changed;
  IF n = 0 THEN RETURN NULL; END IF;
  UPDATE change_log_counter SET last_seq = last_seq + n RETURNING last_seq - n INTO base;
  IF n <= 100 THEN
    WITH c AS (
      SELECT row_number() OVER (ORDER BY id) AS i, zone_id, name, type, ttl, rdata FROM changed
    ), bumped AS (
      UPDATE zone z SET serial = CASE WHEN z.serial >= 4294967295 THEN 1 ELSE z.serial + 1 END
      WHERE z.id IN (SELECT zone_id FROM c)
      RETURNING z.id, z.name, z.serial
    )
    INSERT INTO change_log (seq, zone, op, name, type, ttl, rdata, serial)
    SELECT base + c.i, b.name, 'set', c.name, c.type, c.ttl,
           CASE WHEN array_ndims(c.rdata) = 1 AND array_lower(c.rdata, 1) = 1 THEN c.rdata
                WHEN c.rdata IS NULL THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(to_jsonb(c.rdata))) END,
           b.serial
    FROM c JOIN bumped b ON b.id = c.zone_id
    ORDER BY c.i;
  ELSE
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
  END IF;
  PERFORM pg_notify('dnsplane_change', (base + n)::text);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rrset_log_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n     bigint;
  base  bigint;
  small boolean;
BEGIN
  SELECT count(*) <= 100 INTO small FROM updated_new;
  -- No old row with this id: the UPDATE changed the id itself; log it as V1 did.
  IF small THEN
    SELECT count(*) INTO n FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
    WHERE o.id IS NULL
       OR (n.zone_id, n.name, n.type, n.ttl, n.rdata)
          IS DISTINCT FROM (o.zone_id, o.name, o.type, o.ttl, o.rdata);
  ELSE
    EXECUTE $q$
      SELECT count(*) FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
      WHERE o.id IS NULL
         OR (n.zone_id, n.name, n.type, n.ttl, n.rdata)
            IS DISTINCT FROM (o.zone_id, o.name, o.type, o.ttl, o.rdata)
    $q$ INTO n;
  END IF;
  IF n = 0 THEN RETURN NULL; END IF;
  UPDATE change_log_counter SET last_seq = last_seq + n RETURNING last_seq - n INTO base;
  IF small THEN
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
    SELECT base + c.i, b.name, 'set', c.name, c.type, c.ttl,
           CASE WHEN array_ndims(c.rdata) = 1 AND array_lower(c.rdata, 1) = 1 THEN c.rdata
                WHEN c.rdata IS NULL THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(to_jsonb(c.rdata))) END,
           b.serial
    FROM c JOIN bumped b ON b.id = c.zone_id
    ORDER BY c.i;
  ELSE
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
  END IF;
  PERFORM pg_notify('dnsplane_change', (base + n)::text);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION rrset_count_generations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  small boolean;
BEGIN
  -- A statement whose rows hold no generation, before or after, changes no count. (Each test names
  -- only the transition tables its event has: an INSERT has no old_rows, a DELETE no new_rows.)
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE applied_generation IS NOT NULL) THEN
      RETURN NULL;
    END IF;
    SELECT count(*) <= 100 INTO small FROM new_rows;
    IF small THEN
      INSERT INTO rrset_generation_ref AS r (generation, rrsets)
      SELECT applied_generation, count(*) FROM new_rows
       WHERE applied_generation IS NOT NULL GROUP BY 1
      ON CONFLICT (generation) DO UPDATE SET rrsets = r.rrsets + EXCLUDED.rrsets;
    ELSE
      EXECUTE $q$
        INSERT INTO rrset_generation_ref AS r (generation, rrsets)
        SELECT applied_generation, count(*) FROM new_rows
         WHERE applied_generation IS NOT NULL GROUP BY 1
        ON CONFLICT (generation) DO UPDATE SET rrsets = r.rrsets + EXCLUDED.rrsets
      $q$;
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE applied_generation IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM old_rows WHERE applied_generation IS NOT NULL) THEN
      RETURN NULL;
    END IF;
    SELECT count(*) <= 100 INTO small FROM new_rows;
    IF small THEN
      INSERT INTO rrset_generation_ref AS r (generation, rrsets)
      SELECT g, sum(n) FROM (
        SELECT applied_generation AS g, count(*) AS n FROM new_rows
         WHERE applied_generation IS NOT NULL GROUP BY 1
        UNION ALL
        SELECT applied_generation, -count(*) FROM old_rows
         WHERE applied_generation IS NOT NULL GROUP BY 1) d
      GROUP BY g HAVING sum(n) <> 0
      ON CONFLICT (generation) DO UPDATE SET rrsets = r.rrsets + EXCLUDED.rrsets;
    ELSE
      EXECUTE $q$
        INSERT INTO rrset_generation_ref AS r (generation, rrsets)
        SELECT g, sum(n) FROM (
          SELECT applied_generation AS g, count(*) AS n FROM new_rows
           WHERE applied_generation IS NOT NULL GROUP BY 1
          UNION ALL
          SELECT applied_generation, -count(*) FROM old_rows
           WHERE applied_generation IS NOT NULL GROUP BY 1) d
        GROUP BY g HAVING sum(n) <> 0
        ON CONFLICT (generation) DO UPDATE SET rrsets = r.rrsets + EXCLUDED.rrsets
      $q$;
    END IF;
  ELSE
    IF NOT EXISTS (SELECT 1 FROM old_rows WHERE applied_generation IS NOT NULL) THEN
      RETURN NULL;
    END IF;
    SELECT count(*) <= 100 INTO small FROM old_rows;
    IF small THEN
      UPDATE rrset_generation_ref r SET rrsets = r.rrsets - d.n
        FROM (SELECT applied_generation AS g, count(*) AS n FROM old_rows
               WHERE applied_generation IS NOT NULL GROUP BY 1) d
       WHERE r.generation = d.g;
    ELSE
      EXECUTE $q$
        UPDATE rrset_generation_ref r SET rrsets = r.rrsets - d.n
          FROM (SELECT applied_generation AS g, count(*) AS n FROM old_rows
                 WHERE applied_generation IS NOT NULL GROUP BY 1) d
         WHERE r.generation = d.g
      $q$;
    END IF;
  END IF;
  -- No CHECK (rrsets >= 0) on the table: an upsert checks the row it proposes, a negative
  -- difference, before it adds it to the row there. A count below zero would be a count gone
  -- wrong: refuse the write rather than let plan_delete_guard trust it.
  IF EXISTS (SELECT 1 FROM rrset_generation_ref WHERE rrsets < 0) THEN
    RAISE EXCEPTION 'rrset_generation_ref counts fewer rrsets than hold a generation'
      USING ERRCODE = 'internal_error';
  END IF;
  DELETE FROM rrset_generation_ref WHERE rrsets = 0;
  RETURN NULL;
END $$;
