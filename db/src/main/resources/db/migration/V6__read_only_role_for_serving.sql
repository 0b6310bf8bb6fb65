-- Serving needs read rights only: authdns reads zone, rrset and change_log and LISTENs, nothing
-- more. dnsplane_reader is the group role with exactly those rights; a serving role is a LOGIN role
-- in it:  CREATE ROLE authdns LOGIN PASSWORD '...' IN ROLE dnsplane_reader;
--
-- Roles belong to the cluster, not the database, so another database of the cluster (or a
-- concurrent migration of one) may have created it already. A migrating user without CREATEROLE
-- cannot create it: then the migration goes on without it and says so; an administrator can create
-- the role and run the GRANTs below by hand.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_reader') THEN
    BEGIN
      CREATE ROLE dnsplane_reader NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN
        NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'role dnsplane_reader not created (no CREATEROLE right); grant read rights by hand';
        RETURN;
    END;
  END IF;
  GRANT USAGE ON SCHEMA public TO dnsplane_reader;
  GRANT SELECT ON zone, rrset, change_log, change_log_counter TO dnsplane_reader;
END $$;
