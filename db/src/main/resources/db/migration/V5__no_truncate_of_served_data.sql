-- dnsplane schema, version 5: TRUNCATE fires no row trigger, so it would walk past every rrset
-- protection: tombstones, the non-empty guard, and the change log (authdns would not see it until
-- a full reload). Served data is removed with DELETE, which the triggers see; plans were already
-- protected (V2).
CREATE FUNCTION served_data_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated: delete its rows, so that the guards and the change log see it',
    TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER rrset_no_truncate BEFORE TRUNCATE ON rrset
  FOR EACH STATEMENT EXECUTE FUNCTION served_data_no_truncate();
CREATE TRIGGER endpoint_no_truncate BEFORE TRUNCATE ON endpoint
  FOR EACH STATEMENT EXECUTE FUNCTION served_data_no_truncate();
CREATE TRIGGER zone_no_truncate BEFORE TRUNCATE ON zone
  FOR EACH STATEMENT EXECUTE FUNCTION served_data_no_truncate();
