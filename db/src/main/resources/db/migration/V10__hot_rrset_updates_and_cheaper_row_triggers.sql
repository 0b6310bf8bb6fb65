-- dnsplane schema, version 10: an rrset write does less work per row. Nothing here changes what is
-- accepted, refused, locked or logged; only how fast (measured on the enactor's batch of 1,000
-- endpoints, 3,000 rows, at 100,000 endpoints).
--
-- Considered and left out: a regular-expression fast path in dnsplane_is_ipv6 to spare the
-- subtransaction its EXCEPTION block opens per address. PostgreSQL's regex engine took about 8 us
-- per IPv6 literal for a pattern covering the compressed forms, the parse in a subtransaction
-- about 3.5 us: slower, not faster.

-- ---------------------------------------------------------------------------------------------
-- (1) The per-row BEFORE triggers are called only for rows they act on.
--
-- rrset_keep_managed and rrset_lock_applied_plan are PL/pgSQL, called for every row of every
-- write, and for nearly all of them return the row untouched after a few tests of NEW and OLD: a
-- plan's write is an update that keeps the row's name and type and advances its generation, so
-- the tombstone guard has nothing to refuse, and after the first A or AAAA row of a plan the plan
-- lock is already held (its GUC says so). The same tests now sit in each trigger's WHEN clause,
-- which PostgreSQL evaluates without calling the function; the functions are unchanged and are
-- called exactly when they can raise, lock or record the lock. A BEFORE trigger's WHEN is
-- evaluated just before the function would run, on the row as the earlier triggers left it, and
-- per row (so a lock recorded in the GUC by one row is seen by the next), which is where the
-- function tested the same conditions. A trigger with WHEN cannot fire for both INSERT and UPDATE
-- (only UPDATE has OLD), so each is split by event; the names keep the alphabetical order in which
-- PostgreSQL fires them (keep_managed before lock_applied_plan).
-- ---------------------------------------------------------------------------------------------
DROP TRIGGER rrset_keep_managed ON rrset;
-- The function returns NEW unless the row is plan-managed and the update unmanages, renames or
-- retypes it (zone_id, name and type are NOT NULL).
CREATE TRIGGER rrset_keep_managed BEFORE UPDATE ON rrset FOR EACH ROW
  WHEN (OLD.applied_generation IS NOT NULL
        AND (NEW.applied_generation IS NULL OR NEW.zone_id <> OLD.zone_id OR NEW.name <> OLD.name
             OR NEW.type <> OLD.type))
  EXECUTE FUNCTION rrset_keep_managed();
-- A row that is not plan-managed may be deleted; a managed one goes to the function as before.
CREATE TRIGGER rrset_keep_managed_delete BEFORE DELETE ON rrset FOR EACH ROW
  WHEN (OLD.applied_generation IS NOT NULL)
  EXECUTE FUNCTION rrset_keep_managed();

DROP TRIGGER rrset_lock_applied_plan ON rrset;
-- V8's first test, as it reads for each event; the endpoint lookup stays in the function.
CREATE TRIGGER rrset_lock_applied_plan BEFORE UPDATE ON rrset FOR EACH ROW
  WHEN (NEW.applied_generation IS NOT NULL AND NEW.type IN ('A', 'AAAA')
        AND NEW.applied_generation IS DISTINCT FROM OLD.applied_generation
        AND coalesce(current_setting('dnsplane.locked_plan', true), '')
            <> NEW.applied_generation::text)
  EXECUTE FUNCTION rrset_lock_applied_plan();
CREATE TRIGGER rrset_lock_applied_plan_insert BEFORE INSERT ON rrset FOR EACH ROW
  WHEN (NEW.applied_generation IS NOT NULL AND NEW.type IN ('A', 'AAAA')
        AND coalesce(current_setting('dnsplane.locked_plan', true), '')
            <> NEW.applied_generation::text)
  EXECUTE FUNCTION rrset_lock_applied_plan();

-- ---------------------------------------------------------------------------------------------
-- (2) A plan's update of a row can be HOT: applied_generation is no longer indexed; the
--     generations rrsets hold are counted instead.
--
-- Every plan advances applied_generation on every row it writes. While that column was indexed
-- (rrset_applied_generation_idx), no such update could be HOT: each one added an entry to all four
-- of rrset's indexes. Without it, and with room left on each page for the new version
-- (fillfactor 50), an update that changes no indexed column (id, zone_id, name, type) stays on its
-- page and touches no index.
--
-- The index served plan_delete_guard and safe cleanup (which generations do rrsets hold?). They
-- now read rrset_generation_ref, which the statement triggers below keep equal, in every
-- transaction, to
--   SELECT applied_generation, count(*) FROM rrset WHERE applied_generation IS NOT NULL GROUP BY 1
-- since every statement that inserts, updates or deletes rrset rows adds its own difference before
-- it returns (an upsert fires both its INSERT and its UPDATE triggers, a zone's deletion its
-- cascade's DELETE trigger; TRUNCATE is refused, V5). Every such statement already holds the
-- change-log lock (rrset_change_log_lock, taken before any row is touched) until its transaction
-- ends, so the counts of two writers never interleave and the counter rows add no lock order of
-- their own. The guard reads the count in the snapshot in which it read rrset: a write that holds
-- the plan row lock commits its rows and its count together.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE rrset_generation_ref (
  generation  bigint PRIMARY KEY,
  -- How many rrset rows (of any type) hold this generation; a generation no row holds has no row.
  rrsets      bigint NOT NULL
);

-- The queries run with EXECUTE for V7's reason (a cached plan keeps the first call's estimates).
CREATE FUNCTION rrset_count_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE $q$
      INSERT INTO rrset_generation_ref AS r (generation, rrsets)
      SELECT applied_generation, count(*) FROM new_rows
       WHERE applied_generation IS NOT NULL GROUP BY 1
      ON CONFLICT (generation) DO UPDATE SET rrsets = r.rrsets + EXCLUDED.rrsets
    $q$;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
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
  ELSE
    EXECUTE $q$
      UPDATE rrset_generation_ref r SET rrsets = r.rrsets - d.n
        FROM (SELECT applied_generation AS g, count(*) AS n FROM old_rows
               WHERE applied_generation IS NOT NULL GROUP BY 1) d
       WHERE r.generation = d.g
    $q$;
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

CREATE TRIGGER rrset_generation_ref_insert AFTER INSERT ON rrset
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_count_generations();
CREATE TRIGGER rrset_generation_ref_update AFTER UPDATE ON rrset
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_count_generations();
CREATE TRIGGER rrset_generation_ref_delete AFTER DELETE ON rrset
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_count_generations();

-- After the triggers: the table is locked against writers from CREATE TRIGGER on, so no write can
-- fall between the count and the triggers that keep it.
INSERT INTO rrset_generation_ref (generation, rrsets)
SELECT applied_generation, count(*) FROM rrset WHERE applied_generation IS NOT NULL GROUP BY 1;

DROP INDEX rrset_applied_generation_idx;
-- Rows written from now on leave half of each page free for their next versions; rows already
-- stored move to such pages as they are rewritten (or at once with VACUUM FULL).
ALTER TABLE rrset SET (fillfactor = 50);

-- V2's guard, unchanged, after a lookup that answers at once for a generation no rrset holds (the
-- only kind safe cleanup deletes); only a plan some rrset still holds pays for the search of rrset.
CREATE OR REPLACE FUNCTION plan_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  holder text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM rrset_generation_ref WHERE generation = OLD.generation) THEN
    RETURN OLD;
  END IF;
  SELECT r.name INTO holder FROM rrset r
    JOIN endpoint e ON e.name = r.name AND e.guarded AND e.deleted_at IS NULL
   WHERE r.applied_generation = OLD.generation AND r.type IN ('A', 'AAAA') LIMIT 1;
  IF holder IS NOT NULL THEN
    RAISE EXCEPTION 'plan % is still applied to guarded endpoint %', OLD.generation, holder
      USING ERRCODE = 'foreign_key_violation', HINT = 'dnsplane reference guard';
  END IF;
  RETURN OLD;
END $$;
