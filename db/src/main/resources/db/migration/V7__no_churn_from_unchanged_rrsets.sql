-- dnsplane schema, version 7: an UPDATE that changes nothing served logs nothing.
--
-- V1's rrset_change_log_update logged every row an UPDATE touched, changed or not. Every plan
-- touches every endpoint's A, AAAA and _plan TXT rows (the compare-and-set advances
-- applied_generation even when the addresses are the same), so the planner's heartbeat alone made
-- 30,000 change_log rows a minute at 10,000 endpoints, and each statement bumped the zone's SOA
-- serial: a NOTIFY and a transfer to every secondary, and a cache flush in authdns, for nothing.
--
-- Now the trigger compares each row with its old version and logs only those whose served content
-- (zone, owner name, type, TTL, rdata) is distinct. A statement that changes no served content
-- appends nothing, so change_log_append bumps no serial and sends no NOTIFY.
--
-- Unchanged on purpose:
--  * applied_generation is not served (authdns reads it only from the table), so a row whose only
--    change is its generation is not logged, but the row is still updated: the compare-and-set,
--    rrset_lock_applied_plan (the plan row lock) and plan_delete_guard see the new generation as
--    before;
--  * rrset_change_log_lock still takes the change-log lock before every writing statement, so seq
--    order stays commit order whether or not a statement ends up logging;
--  * INSERT and DELETE are logged as in V1 (an inserted or deleted row is always a change).

-- The comparison is run with EXECUTE, planned on every call: a plan cached by PL/pgSQL would keep
-- the row estimates of the first call in the session (often an empty statement) and then join a
-- 3,000-row statement with a nested loop, tripling the enactor's apply time.
CREATE FUNCTION rrset_log_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  EXECUTE $q$
    SELECT COALESCE(jsonb_agg(jsonb_build_object('zone_id', n.zone_id, 'op', 'set', 'name', n.name,
                                                 'type', n.type, 'ttl', n.ttl,
                                                 'rdata', to_jsonb(n.rdata)) ORDER BY n.id),
                    '[]'::jsonb)
    FROM updated_new n LEFT JOIN updated_old o ON o.id = n.id
    -- No old row with this id: the UPDATE changed the id itself; log it as V1 did.
    WHERE o.id IS NULL
       OR (n.zone_id, n.name, n.type, n.ttl, n.rdata)
          IS DISTINCT FROM (o.zone_id, o.name, o.type, o.ttl, o.rdata)
  $q$ INTO changes;
  PERFORM change_log_append(changes);
  RETURN NULL;
END $$;

DROP TRIGGER rrset_change_log_update ON rrset;
CREATE TRIGGER rrset_change_log_update AFTER UPDATE ON rrset
  REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new
  FOR EACH STATEMENT EXECUTE FUNCTION rrset_log_updates();
