-- dnsplane schema, version 3: how far an endpoint's fail-open reaches.
--
-- 'family' (the default, and the only safe choice): the planner fails open per address family. When
-- every IPv4 (or IPv6) target of the endpoint is unhealthy it publishes all of them anyway, because
-- an IPv4-only client gets nothing from healthy IPv6 addresses.
-- 'endpoint': the naive pre-fix rule, kept ONLY to reproduce that behaviour (deploy/outage-demo
-- family): the planner fails open only when every target of the endpoint is unhealthy, so a family
-- can be emptied (NOERROR with no answer, NODATA) while the other family still has healthy targets.
ALTER TABLE endpoint
  ADD COLUMN fail_open_scope text NOT NULL DEFAULT 'family'
    CONSTRAINT endpoint_fail_open_scope CHECK (fail_open_scope IN ('family', 'endpoint'));
