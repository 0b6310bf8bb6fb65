#!/usr/bin/env bash
# check.sh: run the Promela model (enactors.pml) at larger bounds than SpinModelTest and print what
# Spin found: errors, states stored, transitions, depth, time and memory, and for every expected
# counterexample its shortest trail (narrated steps of spin -t -p).
#
#   enactor/src/test/spin/check.sh            # default set: about 1.5 min, at most ~1.5 GB
#   enactor/src/test/spin/check.sh --big      # adds safe N=4 P=5 keep 1..3 with -DCOLLAPSE:
#                                             # about 6 min more and ~4.5 GB (keep 1: 96 M states)
#   enactor/src/test/spin/check.sh -- -DMODE=safe -DN=3 -DP=7 -DKEEP=2    # one configuration
#
# Exits non-zero when a safe configuration has an error or a broken one has none.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in spin gcc; do
  command -v "$tool" >/dev/null || { echo "check.sh: $tool not found: apt-get install spin gcc" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# check EXPECT -Dflag... : EXPECT is holds (errors: 0 and an exhaustive search) or violates.
check() {
  local expect=$1
  shift
  local d
  d=$(mktemp -d -p "$work")
  cp "$here/enactors.pml" "$d/"
  (
    cd "$d"
    spin -a -o3 "$@" enactors.pml >spin.out 2>&1 || { cat spin.out; exit 2; }
    if [[ $expect == holds ]]; then
      # shellcheck disable=SC2086 # PAN_CFLAGS is a list of flags
      gcc -O2 -DSAFETY ${PAN_CFLAGS:-} -o pan pan.c
      ./pan -m1000000 >pan.out 2>&1 || true
    else
      # -i: search again for ever shorter counterexamples (needs -DREACH), so the trail is short.
      gcc -O2 -DSAFETY -DREACH -o pan pan.c
      ./pan -m1000000 -i >pan.out 2>&1 || true
    fi
  ) || { echo "check.sh: spin/gcc failed for $*" >&2; failed=1; return; }
  local out=$d/pan.out
  local errors stored transitions depth secs mem verdict
  errors=$(grep -o 'errors: [0-9]*' "$out" | tail -1 | awk '{print $2}') || true
  stored=$(grep 'states, stored' "$out" | tail -1 | awk '{printf "%d", $1}') || true
  transitions=$(grep 'transitions (= stored+matched)' "$out" | tail -1 | awk '{printf "%d", $1}') || true
  depth=$(grep -o 'depth reached [0-9]*' "$out" | tail -1 | awk '{print $3}') || true
  secs=$(grep 'elapsed time' "$out" | tail -1 | awk '{print $4}') || true
  mem=$(grep 'total actual memory usage' "$out" | tail -1 | awk '{printf "%d", $1}') || true
  if [[ $expect == holds ]]; then
    if [[ $errors == 0 ]] && ! grep -q -e 'Search not completed' -e 'max search depth too small' "$out"; then
      verdict="ok: holds"
    else
      verdict="FAIL: expected no error"
      failed=1
    fi
  else
    if [[ ${errors:-0} -gt 0 ]]; then verdict="ok: violated"; else verdict="FAIL: expected a violation"; failed=1; fi
  fi
  printf '%-62s errors: %-4s %12s states stored %13s transitions  depth %4s  %7s s  %6s MB  %s\n' \
    "$*" "${errors:-?}" "$stored" "$transitions" "$depth" "$secs" "$mem" "$verdict"
  if [[ ${errors:-0} -gt 0 ]]; then
    grep -m1 'assertion violated' "$out" | sed 's/^/    /' || true
    (cd "$d" && spin -t -p -o3 "$@" enactors.pml 2>&1) |
      sed -n -e 's/^ *NARRATE /    | /p' -e 's/^spin: text of failed assertion: /    => /p' || true
  fi
}

if [[ ${1:-} == -- ]]; then
  shift
  if [[ " $* " == *" -DRACY_CLEANUP "* || " $* " == *" -DNO_PLAN_LOCK "* || " $* " == *legacy* ]]; then
    check violates "$@"
  else
    check holds "$@"
  fi
  exit $failed
fi

echo "== safe: I1 (never empty), I2 (never older), I3 (no reference to a deleted plan) must hold"
for np in "3 4" "3 5" "3 6" "4 4"; do
  read -r n p <<<"$np"
  for keep in 1 2 3; do check holds -DMODE=safe -DN="$n" -DP="$p" -DKEEP="$keep"; done
done
for keep in 1 2 3; do check holds -DMODE=safe -DN=3 -DP=4 -DKEEP="$keep" -DBUGGY_PLANNER; done
if [[ ${1:-} == --big ]]; then
  for keep in 3 2 1; do PAN_CFLAGS=-DCOLLAPSE check holds -DMODE=safe -DN=4 -DP=5 -DKEEP="$keep"; done
fi

echo
echo "== legacy: Spin must find an empty endpoint (I1) or a generation going back (I2)"
for np in "3 4" "4 5"; do
  read -r n p <<<"$np"
  for keep in 1 2 3; do check violates -DMODE=legacy -DN="$n" -DP="$p" -DKEEP="$keep"; done
done
echo "-- the 2025 sequence: I1 reported only once a stale plan was written over a newer one"
for keep in 1 2 3; do
  check violates -DMODE=legacy -DN=3 -DP=4 -DKEEP="$keep" -DCHECK_I2=0 -DOUTAGE_2025
done

echo
echo "== safe with half of the cleanup fix removed: Spin must find a reference to a deleted plan (I3)"
for keep in 1 2; do check violates -DMODE=safe -DN=3 -DP=4 -DKEEP="$keep" -DRACY_CLEANUP; done
check violates -DMODE=safe -DN=3 -DP=5 -DKEEP=3 -DRACY_CLEANUP
for keep in 1 2; do check violates -DMODE=safe -DN=3 -DP=4 -DKEEP="$keep" -DNO_PLAN_LOCK; done
check violates -DMODE=safe -DN=3 -DP=5 -DKEEP=3 -DNO_PLAN_LOCK

echo
if ((failed)); then echo "check.sh: FAILED"; else echo "check.sh: all results as expected"; fi
exit $failed
