-- dnsplane schema, version 11: an entry's reference to its plan is checked once per statement.
--
-- V1's foreign key (plan_entry.generation REFERENCES plan ON DELETE CASCADE) checked every inserted
-- entry on its own: one queued trigger event and one locking lookup of the plan row per entry,
-- 0.8-1.9 s of a 100,000-entry plan. The same two rules now hold per statement:
--
--  * No entry without its plan. plan_entry_insert_guard, already an AFTER INSERT statement trigger
--    with the inserted rows as its transition table, first refuses entries whose plan does not
--    exist, with the foreign key's SQLSTATE (foreign_key_violation) and constraint name, as the
--    foreign key did (its check ran before any statement trigger); then, as since V2, entries of a
--    plan this transaction did not insert (check_violation).
--  * Deleting a plan deletes its entries. plan_delete_entries, an AFTER DELETE statement trigger
--    on plan, deletes the entries of every plan the statement deleted. It runs after
--    plan_delete_guard (BEFORE DELETE, per row) let every one of those rows go, as the cascade did,
--    and plan_entry_delete_guard then finds their plans gone and lets the entries go.
--
-- The foreign key also locked the plan row (FOR KEY SHARE) for each entry, so that a concurrent
-- delete of the plan waited for the insert. That is not needed: the V2 rule lets only the
-- transaction that inserted a plan row add entries to it, and no other transaction can see that
-- row, so none can delete it, before it commits; once it has committed, no entry can be added to
-- it. So every entry of a plan commits with the plan, and a delete of the plan sees them all.
-- What changes is only how an insert into a plan that another transaction is deleting fails: it
-- is refused at once as "not created by this transaction" (check_violation), where the foreign
-- key waited for the delete to commit and then refused it as foreign_key_violation; and TRUNCATE
-- plan without CASCADE, refused before as a table referenced by a foreign key (feature_not_supported),
-- is now refused by plan_no_truncate (check_violation), as TRUNCATE plan CASCADE always was.

ALTER TABLE plan_entry DROP CONSTRAINT plan_entry_generation_fkey;

CREATE OR REPLACE FUNCTION plan_entry_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  generations bigint[];
  missing bigint;
  closed bigint;
BEGIN
  -- A statement inserts the entries of one plan (of a few at most): the checks below then look up
  -- one plan row, not one per entry.
  generations := ARRAY(SELECT DISTINCT generation FROM added);
  SELECT g INTO missing FROM unnest(generations) AS g
   WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.generation = g) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert into plan_entry: plan % does not exist, so no entry can refer to it', missing
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'plan_entry_generation_fkey',
            TABLE = 'plan_entry', HINT = 'insert the plan first, in the same transaction';
  END IF;
  SELECT p.generation INTO closed FROM plan p
   WHERE p.generation = ANY (generations) AND p.xmin <> pg_current_xact_id()::xid LIMIT 1;
  IF closed IS NOT NULL THEN
    RAISE EXCEPTION 'plans are immutable: plan % was not created by this transaction, so no entry can be added to it', closed
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION plan_delete_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- By the primary key's leading column, whatever the size of the plans: an array of the deleted
  -- generations, not a join with the transition table, whose size the planner cannot know.
  DELETE FROM plan_entry WHERE generation = ANY (ARRAY(SELECT generation FROM gone));
  RETURN NULL;
END $$;
CREATE TRIGGER plan_delete_entries AFTER DELETE ON plan REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION plan_delete_entries();
