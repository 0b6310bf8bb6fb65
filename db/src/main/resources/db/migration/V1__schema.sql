-- dnsplane schema, version 1.
--
-- Rules that protect data live here, not only in code: canonical names, the change log that every
-- rrset write produces (so no writer can forget it), immutable plans, and the guard that refuses to
-- empty a guarded endpoint. Names are stored absolute and lower-case ("dynamodb.us-east-1.aws.test.").

CREATE FUNCTION dnsplane_is_canonical_name(n text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT n = lower(n) AND right(n, 1) = '.' AND length(n) <= 255 $$;

-- ---------------------------------------------------------------------------------------------
-- Zones and rrsets
-- ---------------------------------------------------------------------------------------------
CREATE TABLE zone (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (dnsplane_is_canonical_name(name)),
  -- The SOA serial that authdns publishes; bumped by the change-log trigger on every change.
  serial      bigint NOT NULL DEFAULT 1 CHECK (serial >= 0 AND serial <= 4294967295),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per (zone, name, type): the unit of compare-and-set.
CREATE TABLE rrset (
  id                  bigserial PRIMARY KEY,
  zone_id             bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  name                text NOT NULL CHECK (dnsplane_is_canonical_name(name)),
  type                text NOT NULL CHECK (type ~ '^[A-Z][A-Z0-9-]*$'),
  ttl                 integer NOT NULL CHECK (ttl >= 0),
  -- Presentation-format rdata, one element per record ("192.0.2.1", "10 mail.aws.test.").
  -- An empty array is an rrset that publishes nothing (what the 2025 outage produced).
  rdata               text[] NOT NULL,
  -- The plan generation this rrset holds; NULL for records not managed by plans.
  -- Deliberately no foreign key: legacy mode must be able to delete a referenced plan to
  -- reproduce the outage. Reference safety is the safe cleanup query plus plan_delete_guard.
  applied_generation  bigint,
  version             bigint NOT NULL DEFAULT 1,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (zone_id, name, type)
);
CREATE INDEX rrset_name_idx ON rrset (name);
CREATE INDEX rrset_applied_generation_idx ON rrset (applied_generation) WHERE applied_generation IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Change log: every rrset and zone change, in commit order, without gaps.
--
-- Sequence numbers come from a single counter row locked for the rest of the writing transaction,
-- so seq order is commit order and a follower reading "seq > last" can never skip a row that
-- commits later with a smaller number. The lock is taken BEFORE each writing statement touches
-- rows, so two writers cannot deadlock on (row lock, counter lock).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE change_log_counter (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_seq  bigint NOT NULL
);
INSERT INTO change_log_counter (last_seq) VALUES (0);

CREATE TABLE change_log (
  seq         bigint PRIMARY KEY,
  zone        text NOT NULL,
  -- set: (name, type) now holds ttl/rdata; delete: (name, type) is gone;
  -- zone_created / zone_deleted: the zone itself (name = zone, type = 'SOA').
  op          text NOT NULL CHECK (op IN ('set', 'delete', 'zone_created', 'zone_deleted')),
  name        text NOT NULL,
  type        text NOT NULL,
  ttl         integer,
  rdata       text[],
  serial      bigint NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION change_log_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM change_log_counter FOR UPDATE;
  RETURN NULL;
END $$;

-- Appends rows to change_log for the given changes, bumping each touched zone's serial once.
CREATE FUNCTION change_log_append(changes jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n     bigint := jsonb_array_length(changes);
  base  bigint;
BEGIN
  IF n = 0 THEN RETURN; END IF;
  UPDATE change_log_counter SET last_seq = last_seq + n RETURNING last_seq - n INTO base;
  WITH c AS (
    SELECT ordinality AS i, (value ->> 'zone_id')::bigint AS zone_id, value ->> 'op' AS op,
           value ->> 'name' AS name, value ->> 'type' AS type, (value ->> 'ttl')::integer AS ttl,
           CASE WHEN value -> 'rdata' IS NULL OR value -> 'rdata' = 'null'::jsonb THEN NULL
                ELSE ARRAY(SELECT jsonb_array_elements_text(value -> 'rdata')) END AS rdata
    FROM jsonb_array_elements(changes) WITH ORDINALITY
  ), bumped AS (
    UPDATE zone z SET serial = CASE WHEN z.serial >= 4294967295 THEN 1 ELSE z.serial + 1 END
    WHERE z.id IN (SELECT zone_id FROM c)
    RETURNING z.id, z.name, z.serial
  )
  INSERT INTO change_log (seq, zone, op, name, type, ttl, rdata, serial)
  SELECT base + c.i, b.name, c.op, c.name, c.type, c.ttl, c.rdata, b.serial
  FROM c JOIN bumped b ON b.id = c.zone_id
  ORDER BY c.i;
  PERFORM pg_notify('dnsplane_change', (base + n)::text);
END $$;

CREATE FUNCTION rrset_log_upserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM change_log_append(COALESCE((
    SELECT jsonb_agg(jsonb_build_object('zone_id', zone_id, 'op', 'set', 'name', name, 'type', type,
                                        'ttl', ttl, 'rdata', to_jsonb(rdata)) ORDER BY id)
    FROM changed), '[]'::jsonb));
  RETURN NULL;
END $$;

CREATE FUNCTION rrset_log_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A zone being deleted cascades here after its own row is gone; zone_deleted covers it.
  PERFORM change_log_append(COALESCE((
    SELECT jsonb_agg(jsonb_build_object('zone_id', zone_id, 'op', 'delete', 'name', name, 'type', type)
                     ORDER BY id)
    FROM changed WHERE EXISTS (SELECT 1 FROM zone WHERE zone.id = changed.zone_id)), '[]'::jsonb));
  RETURN NULL;
END $$;

CREATE TRIGGER rrset_change_log_lock BEFORE INSERT OR UPDATE OR DELETE ON rrset
  FOR EACH STATEMENT EXECUTE FUNCTION change_log_lock();
CREATE TRIGGER rrset_change_log_insert AFTER INSERT ON rrset REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_log_upserts();
CREATE TRIGGER rrset_change_log_update AFTER UPDATE ON rrset REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_log_upserts();
CREATE TRIGGER rrset_change_log_delete AFTER DELETE ON rrset REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_log_deletes();

CREATE FUNCTION zone_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  base bigint;
BEGIN
  PERFORM 1 FROM change_log_counter FOR UPDATE;
  UPDATE change_log_counter SET last_seq = last_seq + 1 RETURNING last_seq INTO base;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO change_log (seq, zone, op, name, type, serial)
    VALUES (base, NEW.name, 'zone_created', NEW.name, 'SOA', NEW.serial);
  ELSE
    INSERT INTO change_log (seq, zone, op, name, type, serial)
    VALUES (base, OLD.name, 'zone_deleted', OLD.name, 'SOA', OLD.serial);
  END IF;
  PERFORM pg_notify('dnsplane_change', base::text);
  RETURN NULL;
END $$;

CREATE TRIGGER zone_change_log AFTER INSERT OR DELETE ON zone
  FOR EACH ROW EXECUTE FUNCTION zone_log_change();

-- ---------------------------------------------------------------------------------------------
-- Endpoints and targets (owned by the planner)
-- ---------------------------------------------------------------------------------------------
CREATE TABLE endpoint (
  name        text PRIMARY KEY CHECK (dnsplane_is_canonical_name(name)),
  zone_id     bigint NOT NULL REFERENCES zone (id) ON DELETE RESTRICT,
  ttl         integer NOT NULL DEFAULT 60 CHECK (ttl >= 0 AND ttl <= 86400),
  -- A guarded endpoint can never have its address records emptied, whoever writes them.
  guarded     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE target (
  endpoint        text NOT NULL REFERENCES endpoint (name) ON DELETE CASCADE,
  address         inet NOT NULL CHECK (masklen(address) IN (32, 128)),
  weight          integer NOT NULL DEFAULT 100 CHECK (weight BETWEEN 0 AND 1000),
  az              text NOT NULL CHECK (az ~ '^[a-z0-9-]+$'),
  -- Where health comes from: 'report' (the API) or an active check of check_address.
  health_source   text NOT NULL DEFAULT 'report' CHECK (health_source IN ('report', 'tcp', 'http')),
  check_address   text,
  healthy         boolean NOT NULL DEFAULT true,
  health_changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (endpoint, address),
  CHECK ((health_source = 'report') = (check_address IS NULL))
);

-- ---------------------------------------------------------------------------------------------
-- Plans: immutable, versioned. Larger generation is newer, always.
-- ---------------------------------------------------------------------------------------------
CREATE SEQUENCE plan_generation_seq;

CREATE TABLE plan (
  generation  bigint PRIMARY KEY DEFAULT nextval('plan_generation_seq'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  reason      text NOT NULL DEFAULT ''
);

-- Addresses of one endpoint in one plan: [{"address": "192.0.2.1", "weight": 100, "az": "az-a"}, ...].
-- Emptiness is not forbidden here on purpose: the enactor's rejection of an empty set is a layer
-- of its own and must be testable against a plan a buggy planner could write.
CREATE TABLE plan_entry (
  generation  bigint NOT NULL REFERENCES plan (generation) ON DELETE CASCADE,
  endpoint    text NOT NULL CHECK (dnsplane_is_canonical_name(endpoint)),
  ttl         integer NOT NULL CHECK (ttl >= 0),
  addresses   jsonb NOT NULL CHECK (jsonb_typeof(addresses) = 'array'),
  -- Every target was unhealthy and the planner published them all (fail open).
  fail_open   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (generation, endpoint)
);

CREATE FUNCTION plan_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'plans are immutable: % of generation % cannot be updated', TG_TABLE_NAME, OLD.generation
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER plan_immutable BEFORE UPDATE ON plan FOR EACH ROW EXECUTE FUNCTION plan_is_immutable();
CREATE TRIGGER plan_entry_immutable BEFORE UPDATE ON plan_entry FOR EACH ROW EXECUTE FUNCTION plan_is_immutable();

-- ---------------------------------------------------------------------------------------------
-- The database guard for guarded endpoints.
--  1. Their address records (A and AAAA together) can never become empty once published.
--  2. A plan that one of their rrsets still holds can never be deleted.
-- Turning an endpoint's guard off (endpoint.guarded = false) is how the outage demo shows what the
-- database alone prevents.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION rrset_guard_nonempty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  subject text := CASE WHEN TG_OP = 'DELETE' THEN OLD.name ELSE NEW.name END;
  subject_type text := CASE WHEN TG_OP = 'DELETE' THEN OLD.type ELSE NEW.type END;
  published integer;
BEGIN
  IF subject_type NOT IN ('A', 'AAAA') THEN RETURN NULL; END IF;
  IF NOT EXISTS (SELECT 1 FROM endpoint WHERE name = subject AND guarded) THEN RETURN NULL; END IF;
  SELECT coalesce(sum(cardinality(rdata)), 0) INTO published
    FROM rrset WHERE name = subject AND type IN ('A', 'AAAA');
  IF published = 0 THEN
    RAISE EXCEPTION 'guarded endpoint % would publish no address', subject
      USING ERRCODE = 'check_violation', HINT = 'dnsplane non-empty guard';
  END IF;
  RETURN NULL;
END $$;
-- Deferred to commit so that a transaction may replace A by AAAA, checking only the end state.
CREATE CONSTRAINT TRIGGER rrset_guard_nonempty AFTER INSERT OR UPDATE OR DELETE ON rrset
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rrset_guard_nonempty();

CREATE FUNCTION plan_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  holder text;
BEGIN
  SELECT r.name INTO holder FROM rrset r JOIN endpoint e ON e.name = r.name AND e.guarded
   WHERE r.applied_generation = OLD.generation LIMIT 1;
  IF holder IS NOT NULL THEN
    RAISE EXCEPTION 'plan % is still applied to guarded endpoint %', OLD.generation, holder
      USING ERRCODE = 'foreign_key_violation', HINT = 'dnsplane reference guard';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER plan_delete_guard BEFORE DELETE ON plan FOR EACH ROW EXECUTE FUNCTION plan_delete_guard();

-- ---------------------------------------------------------------------------------------------
-- Enactors: status and the audit trail
-- ---------------------------------------------------------------------------------------------
CREATE TABLE enactor_status (
  az                      text PRIMARY KEY CHECK (az ~ '^[a-z0-9-]+$'),
  mode                    text NOT NULL CHECK (mode IN ('safe', 'legacy')),
  last_applied_generation bigint,
  stuck                   boolean NOT NULL DEFAULT false,
  stuck_reason            text,
  paused                  boolean NOT NULL DEFAULT false,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id                  bigserial PRIMARY KEY,
  at                  timestamptz NOT NULL DEFAULT now(),
  actor               text NOT NULL,
  action              text NOT NULL,
  generation          bigint,
  endpoint            text,
  previous_generation bigint,
  new_generation      bigint,
  detail              text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
