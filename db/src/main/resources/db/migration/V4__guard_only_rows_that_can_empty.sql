-- dnsplane schema, version 4: the same guards, queued only for rows that can break them.
--
-- V2's non-empty guard ran, at commit, for every changed A/AAAA row, twice (old and new name):
-- a 10,000-endpoint plan queued 20,000 deferred checks, each several lookups, and doubled the
-- enactor's apply time. A row that is inserted or updated in place with at least one address can
-- not empty its family: if a later statement empties, renames or deletes it, that event is queued
-- and checked. So only those events are queued now, and a row is checked once when it keeps its
-- name and type.

DROP TRIGGER rrset_guard_nonempty ON rrset;

CREATE OR REPLACE FUNCTION rrset_guard_nonempty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM dnsplane_check_nonempty(OLD.name, OLD.type);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name <> OLD.name OR NEW.type <> OLD.type)) THEN
    PERFORM dnsplane_check_nonempty(NEW.name, NEW.type);
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER rrset_guard_nonempty_insert AFTER INSERT ON rrset
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.type IN ('A', 'AAAA') AND cardinality(NEW.rdata) = 0)
  EXECUTE FUNCTION rrset_guard_nonempty();
CREATE CONSTRAINT TRIGGER rrset_guard_nonempty_update AFTER UPDATE ON rrset
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.type IN ('A', 'AAAA') OR NEW.type IN ('A', 'AAAA'))
        AND (cardinality(NEW.rdata) = 0 OR NEW.name <> OLD.name OR NEW.type <> OLD.type))
  EXECUTE FUNCTION rrset_guard_nonempty();
CREATE CONSTRAINT TRIGGER rrset_guard_nonempty_delete AFTER DELETE ON rrset
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.type IN ('A', 'AAAA'))
  EXECUTE FUNCTION rrset_guard_nonempty();

-- The plan lock: once per plan and transaction is enough (the lock lasts until commit).
CREATE OR REPLACE FUNCTION rrset_lock_applied_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.applied_generation IS NOT NULL AND NEW.type IN ('A', 'AAAA')
     AND (TG_OP = 'INSERT' OR NEW.applied_generation IS DISTINCT FROM OLD.applied_generation)
     AND coalesce(current_setting('dnsplane.locked_plan', true), '') <> NEW.applied_generation::text
     AND EXISTS (SELECT 1 FROM endpoint WHERE name = NEW.name AND guarded AND deleted_at IS NULL) THEN
    -- No plan row (legacy writing a plan cleanup already deleted) is not refused here: that is
    -- the 2025 state the guard's other half keeps from going empty.
    PERFORM 1 FROM plan WHERE generation = NEW.applied_generation FOR KEY SHARE;
    PERFORM set_config('dnsplane.locked_plan', NEW.applied_generation::text, true);
  END IF;
  RETURN NEW;
END $$;
