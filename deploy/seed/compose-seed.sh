#!/usr/bin/env bash
# The compose stack's one-shot seed (service "seed" in deploy/compose.yaml): imports the demo zone when
# authdns does not serve it yet (an import replaces the zone, which would wipe the endpoints' rrsets),
# then creates the demo endpoints that do not exist yet. Idempotent; same data as deploy/up.
set -euo pipefail
SEED="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
AUTHDNS_ADDR="${AUTHDNS_ADDR:-authdns}"
AUTHDNS_PORT="${AUTHDNS_PORT:-1053}"
PLANNER_URL="${PLANNER_URL:-http://planner:8081}"
AUTHDNS_JAR="${AUTHDNS_JAR:-/app/authdns.jar}"
ZONE=aws.test.

auth=()
[[ -n "${DNSPLANE_API_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $DNSPLANE_API_TOKEN")

soa="$(dig +norec +time=2 +tries=3 @"$AUTHDNS_ADDR" -p "$AUTHDNS_PORT" "$ZONE" SOA || true)"
if [[ "$soa" == *"status: NOERROR"* && "$soa" =~ flags:[^\;]*\ aa[\ \;] ]]; then
  echo "seed: $ZONE already served; not re-importing"
else
  echo "seed: importing $ZONE"
  java -XX:+UseSerialGC -Xmx256m -jar "$AUTHDNS_JAR" zone import "$SEED/aws.test.zone" --origin "$ZONE"
fi

for f in "$SEED"/endpoints/*.json; do
  ep="$(basename "$f" .json)."
  if curl -fsS -o /dev/null -m 10 "$PLANNER_URL/v1/endpoints/$ep"; then
    echo "seed: endpoint $ep exists"
  else
    echo "seed: creating endpoint $ep"
    curl -sS --fail-with-body -m 10 -X PUT "${auth[@]}" -H 'Content-Type: application/json' \
      --data @"$f" "$PLANNER_URL/v1/endpoints/$ep" >/dev/null
  fi
done
echo "seed: done"
