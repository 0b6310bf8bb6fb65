-- dnsplane schema, version 2: close the remaining paths to an empty, stale or rolled-back answer.
--
--  1. The guard works per address family: a guarded endpoint cannot lose its A (or AAAA) records
--     while it still has IPv4 (or IPv6) targets, and renaming or retyping a row is checked on both
--     its old and its new name.
--  2. Plan-managed rrsets are never deleted, only emptied by a plan; they keep their generation
--     (a tombstone), so a delayed stale write can never come back as a plain INSERT.
--  3. A and AAAA rdata must be addresses of that family.
--  4. A write of a guarded endpoint locks the plan it applies (FOR KEY SHARE), so a plan delete
--     waits for the write to commit and plan_delete_guard then sees it.
--  5. Plans are immutable against INSERT, DELETE and TRUNCATE of their entries, not only UPDATE.
--  6. Deleting an endpoint goes through a plan (endpoint.deleted_at, plan_entry.deleted), and the
--     planner records what health removed, for a velocity limit over time (velocity_removal).

-- ---------------------------------------------------------------------------------------------
-- Plan entries: deletion, fail-open per family, removals held back by the velocity limit
-- ---------------------------------------------------------------------------------------------
ALTER TABLE endpoint ADD COLUMN deleted_at timestamptz;

ALTER TABLE plan_entry
  -- The endpoint was deleted: publish nothing (A, AAAA and the _plan marker become tombstones).
  ADD COLUMN deleted boolean NOT NULL DEFAULT false,
  -- The address families ('A', 'AAAA') whose targets were all unhealthy and are published anyway.
  ADD COLUMN fail_open_families text[] NOT NULL DEFAULT '{}',
  -- Unhealthy addresses still published because the velocity limit held their removal back.
  ADD COLUMN held jsonb NOT NULL DEFAULT '[]',
  ADD CONSTRAINT plan_entry_deleted_publishes_nothing CHECK (NOT deleted OR addresses = '[]'::jsonb),
  ADD CONSTRAINT plan_entry_fail_open_families CHECK (fail_open_families <@ ARRAY['A', 'AAAA']::text[]),
  ADD CONSTRAINT plan_entry_held_is_array CHECK (jsonb_typeof(held) = 'array');

-- Every address health removed from an endpoint's published set, when, and in which plan. The
-- planner limits removals per endpoint and family over a sliding window from these rows.
CREATE TABLE velocity_removal (
  endpoint    text NOT NULL REFERENCES endpoint (name) ON DELETE CASCADE,
  address     inet NOT NULL CHECK (masklen(address) IN (32, 128)),
  removed_at  timestamptz NOT NULL,
  generation  bigint NOT NULL,
  PRIMARY KEY (endpoint, address, removed_at)
);
CREATE INDEX velocity_removal_at_idx ON velocity_removal (removed_at);

-- ---------------------------------------------------------------------------------------------
-- Address rdata
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION dnsplane_is_ipv6(a text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF a IS NULL OR a !~ '^[0-9A-Fa-f:.]+$' OR position(':' IN a) = 0 THEN
    RETURN false;
  END IF;
  RETURN family(a::inet) = 6;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN false;
END $$;

-- A: dotted quads without leading zeros (which some parsers read as octal); AAAA: IPv6 literals.
CREATE FUNCTION dnsplane_valid_address_rdata(rtype text, rdata text[]) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  a text;
BEGIN
  IF rtype = 'A' THEN
    FOREACH a IN ARRAY rdata LOOP
      IF a IS NULL OR a !~ '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$' THEN
        RETURN false;
      END IF;
    END LOOP;
  ELSIF rtype = 'AAAA' THEN
    FOREACH a IN ARRAY rdata LOOP
      IF NOT dnsplane_is_ipv6(a) THEN
        RETURN false;
      END IF;
    END LOOP;
  END IF;
  RETURN true;
END $$;

-- NOT VALID: enforced for every new or changed row; rows already stored are not re-checked, so
-- the migration cannot fail on old data (authdns alarms on any such row it cannot serve).
ALTER TABLE rrset ADD CONSTRAINT rrset_address_rdata_valid
  CHECK (dnsplane_valid_address_rdata(type, rdata)) NOT VALID;

-- ---------------------------------------------------------------------------------------------
-- Tombstones: a plan-managed rrset keeps its row and its generation
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION rrset_keep_managed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.applied_generation IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- A zone being deleted cascades here after its own row is gone: that deletion is allowed.
    IF EXISTS (SELECT 1 FROM zone WHERE id = OLD.zone_id) THEN
      RAISE EXCEPTION 'rrset % % is plan-managed (generation %): a plan may empty it, nothing may delete it',
        OLD.name, OLD.type, OLD.applied_generation
        USING ERRCODE = 'integrity_constraint_violation', HINT = 'dnsplane tombstone guard';
    END IF;
    RETURN OLD;
  END IF;
  IF NEW.applied_generation IS NULL OR NEW.zone_id <> OLD.zone_id OR NEW.name <> OLD.name
     OR NEW.type <> OLD.type THEN
    RAISE EXCEPTION 'rrset % % is plan-managed (generation %): it cannot be renamed, retyped or unmanaged',
      OLD.name, OLD.type, OLD.applied_generation
      USING ERRCODE = 'integrity_constraint_violation', HINT = 'dnsplane tombstone guard';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER rrset_keep_managed BEFORE UPDATE OR DELETE ON rrset
  FOR EACH ROW EXECUTE FUNCTION rrset_keep_managed();

-- ---------------------------------------------------------------------------------------------
-- The non-empty guard, per family, on the old and the new name of a changed row
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION dnsplane_check_nonempty(subject text, subject_type text) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  published integer;
  family_published integer;
BEGIN
  IF subject_type NOT IN ('A', 'AAAA') THEN
    RETURN;
  END IF;
  -- A deleted endpoint is unpublished through a plan; it is no longer guarded.
  IF NOT EXISTS (SELECT 1 FROM endpoint WHERE name = subject AND guarded AND deleted_at IS NULL) THEN
    RETURN;
  END IF;
  SELECT coalesce(sum(cardinality(rdata)), 0),
         coalesce(sum(cardinality(rdata)) FILTER (WHERE type = subject_type), 0)
    INTO published, family_published
    FROM rrset WHERE name = subject AND type IN ('A', 'AAAA');
  IF published = 0 THEN
    RAISE EXCEPTION 'guarded endpoint % would publish no address', subject
      USING ERRCODE = 'check_violation', HINT = 'dnsplane non-empty guard';
  END IF;
  -- Only an operator's configuration change (no target of the family left) may remove a family.
  IF family_published = 0 AND EXISTS (
       SELECT 1 FROM target WHERE endpoint = subject
          AND family(address) = CASE subject_type WHEN 'A' THEN 4 ELSE 6 END) THEN
    RAISE EXCEPTION 'guarded endpoint % would publish no % record while it has IPv% targets',
      subject, subject_type, CASE subject_type WHEN 'A' THEN 4 ELSE 6 END
      USING ERRCODE = 'check_violation', HINT = 'dnsplane non-empty guard';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION rrset_guard_nonempty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM dnsplane_check_nonempty(OLD.name, OLD.type);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM dnsplane_check_nonempty(NEW.name, NEW.type);
  END IF;
  RETURN NULL;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Reference safety for guarded endpoints: a write locks its plan, so plan_delete_guard, which
-- runs after the DELETE has locked the plan row, sees every write that committed before it.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION rrset_lock_applied_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.applied_generation IS NOT NULL AND NEW.type IN ('A', 'AAAA')
     AND (TG_OP = 'INSERT' OR NEW.applied_generation IS DISTINCT FROM OLD.applied_generation)
     AND EXISTS (SELECT 1 FROM endpoint WHERE name = NEW.name AND guarded AND deleted_at IS NULL) THEN
    -- No plan row (legacy writing a plan cleanup already deleted) is not refused here: that is
    -- the 2025 state the guard's other half keeps from going empty.
    PERFORM 1 FROM plan WHERE generation = NEW.applied_generation FOR KEY SHARE;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER rrset_lock_applied_plan BEFORE INSERT OR UPDATE ON rrset
  FOR EACH ROW EXECUTE FUNCTION rrset_lock_applied_plan();

CREATE OR REPLACE FUNCTION plan_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  holder text;
BEGIN
  SELECT r.name INTO holder FROM rrset r
    JOIN endpoint e ON e.name = r.name AND e.guarded AND e.deleted_at IS NULL
   WHERE r.applied_generation = OLD.generation AND r.type IN ('A', 'AAAA') LIMIT 1;
  IF holder IS NOT NULL THEN
    RAISE EXCEPTION 'plan % is still applied to guarded endpoint %', OLD.generation, holder
      USING ERRCODE = 'foreign_key_violation', HINT = 'dnsplane reference guard';
  END IF;
  RETURN OLD;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Plans are immutable: entries are added only by the transaction that creates the plan, removed
-- only with it, and neither table can be truncated.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION plan_entry_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed bigint;
BEGIN
  SELECT n.generation INTO closed FROM added n
    LEFT JOIN plan p ON p.generation = n.generation AND p.xmin = pg_current_xact_id()::xid
   WHERE p.generation IS NULL LIMIT 1;
  IF closed IS NOT NULL THEN
    RAISE EXCEPTION 'plans are immutable: plan % was not created by this transaction, so no entry can be added to it', closed
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plan_entry_insert_guard AFTER INSERT ON plan_entry REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION plan_entry_insert_guard();

CREATE FUNCTION plan_entry_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kept bigint;
BEGIN
  -- Deleting a plan cascades here after the plan row is gone; any other deletion is refused.
  SELECT o.generation INTO kept FROM removed o JOIN plan p ON p.generation = o.generation LIMIT 1;
  IF kept IS NOT NULL THEN
    RAISE EXCEPTION 'plans are immutable: entries of plan % can only be deleted with the plan', kept
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plan_entry_delete_guard AFTER DELETE ON plan_entry REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION plan_entry_delete_guard();

CREATE FUNCTION plan_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'plans are immutable: % cannot be truncated', TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER plan_no_truncate BEFORE TRUNCATE ON plan
  FOR EACH STATEMENT EXECUTE FUNCTION plan_no_truncate();
CREATE TRIGGER plan_entry_no_truncate BEFORE TRUNCATE ON plan_entry
  FOR EACH STATEMENT EXECUTE FUNCTION plan_no_truncate();
