/*
 * enactors.pml: the planner, N enactors and their cleanup, checked exhaustively by Spin.
 *
 * One endpoint, plans 1..P published in order, N enactors each looping
 *   start (pick the newest plan) -> write it -> clean up old plans,
 * with every interleaving of their steps explored: an enactor that is "delayed" is simply one whose
 * next step Spin schedules late. See README.md for what each step models in the Java code and SQL.
 *
 * Parameters (spin -D...):
 *   MODE=safe | MODE=legacy   the enactor protocol (default safe)
 *   N=3                       enactors (1..6)
 *   P=4                       plans the planner publishes (1..7)
 *   KEEP=1                    cleanup keeps the newest KEEP plans (>= 1)
 *   RACY_CLEANUP              safe only: the pre-fix cleanup, a lone DELETE ... NOT EXISTS whose reference
 *                             check is taken before it waits for the candidates' row locks, so a write
 *                             can commit between the check and the delete
 *   NO_PLAN_LOCK              safe only: writers neither lock their plan FOR KEY SHARE nor skip a plan
 *                             that no longer exists (the other half of the fix, removed)
 *   BUGGY_PLANNER             a plan's entry may have no address (the real planner fails open and
 *                             never publishes one); checks the enactor's RejectEmpty rule
 *   CHECK_I2=0                do not check I2 (legacy: lets Spin go on to the empty endpoint)
 *   OUTAGE_2025               legacy: report I1 only once a stale plan has been written over a newer
 *                             one, so the trail is the 2025 sequence (use with CHECK_I2=0)
 *
 * Invariants, checked in every reachable state by the monitor process:
 *   I1  once the endpoint has been written it never publishes an empty address set;
 *   I2  the generation it holds never goes back (what a reader sees is monotonic);
 *   I3  (safe only) it never references a plan that has been deleted.
 */

#define legacy 1
#define safe 2

#ifndef MODE
#define MODE safe
#endif
#ifndef N
#define N 3
#endif
#ifndef P
#define P 4
#endif
#ifndef KEEP
#define KEEP 1
#endif
#ifndef CHECK_I2
#define CHECK_I2 1
#endif

#if MODE != safe && MODE != legacy
#error "MODE must be safe or legacy"
#endif
#if P < 1 || P > 7
#error "P must be 1..7 (plans are the bits of a byte)"
#endif
#if KEEP < 1
#error "KEEP must be at least 1 (CleanupRule.deletablePlans)"
#endif
#if N < 1 || N > 6
#error "N must be 1..6"
#endif
#if MODE == legacy && (defined(RACY_CLEANUP) || defined(NO_PLAN_LOCK))
#error "RACY_CLEANUP and NO_PLAN_LOCK are variants of the safe protocol"
#endif
#if MODE == safe && defined(OUTAGE_2025)
#error "OUTAGE_2025 is a legacy option"
#endif

#define BIT(g) (1 << (g))
/* Enactors are numbered 1..N in the narration (pids 0 and 1 are the monitor and the planner). */
#define ME (_pid - 1)

/* PostgreSQL, abstracted to what matters for one endpoint. Index = generation; 0 is unused. */
bool planExists[8];   /* a row in plan (with its plan_entry) */
bool planEmpty[8];    /* plan_entry.addresses = '[]' (only with BUGGY_PLANNER) */
byte published = 0;   /* newest generation published = newest existing plan (never deleted: KEEP >= 1) */
byte rgen = 0;        /* rrset.applied_generation of the endpoint's A/AAAA (and _plan TXT); 0 = never written */
bool rempty = false;  /* cardinality(rdata) = 0 for A and AAAA: the endpoint answers NOERROR, no address */
byte ks[8];           /* writers holding plan row g FOR KEY SHARE */
byte ksMask = 0;      /* bit g set iff ks[g] > 0 (derived, for the FOR UPDATE wait) */
byte hiGen = 0;       /* ghost: the highest generation the endpoint has held (what a reader has seen) */
#ifdef OUTAGE_2025
bool staleWritten = false; /* ghost: a legacy write replaced a newer plan by an older one */
#endif

#define I1 (rgen == 0 || !rempty)
#define I2 (rgen >= hiGen)
#define I3 (rgen == 0 || planExists[rgen])
#ifdef OUTAGE_2025
#define I1_WATCHED (I1 || !staleWritten)
#else
#define I1_WATCHED I1
#endif

#if CHECK_I2
#define SAW(x) hiGen = ((x) > hiGen -> (x) : hiGen)
#else
#define SAW(x) skip
#endif

/* A reader (authdns, dig) looking at every state: blocked while all invariants hold. */
active proctype monitor() {
end:
  atomic {
    !(I1_WATCHED
#if CHECK_I2
      && I2
#endif
#if MODE == safe
      && I3
#endif
    ) ->
    assert(I1);
#if CHECK_I2
    assert(I2);
#endif
#if MODE == safe
    assert(I3);
#endif
  }
}

/* The planner: plan g is a new generation with (normally) a non-empty address set, g = 1..P. */
active proctype planner() {
  byte g = 1;
  do
  :: g <= P ->
     atomic {
       planExists[g] = true;
#ifdef BUGGY_PLANNER
       if
       :: planEmpty[g] = true
       :: skip
       fi;
#endif
       published = g;
       if
       :: planEmpty[g] -> printf("NARRATE planner publishes plan %d (no address)\n", g)
       :: else -> printf("NARRATE planner publishes plan %d\n", g)
       fi;
       g++
     }
  :: else -> break
  od
}

active [N] proctype enactor() {
  byte last = 0;      /* Enactor.lastApplied */
  byte g = 0;         /* the plan this pass applies */
  byte cur = 0;       /* the generation WriteRule.decide read (RrsetStore.states) */
  bool go = false;    /* WriteRule.decide said Write */
  bool locked = false;
  bool clear = false;
  byte cand = 0;      /* cleanup candidates, bit g */
  byte i = 0;
  byte n = 0;

end_idle:
  do
  ::
#if MODE == safe
     /* Enactor.safeStart: the newest plan, if newer than the last this enactor applied. */
     atomic {
       published > last -> g = published;
       printf("NARRATE enactor %d picks plan %d\n", ME, g)
     }
     /* --- the delay: any number of other steps may interleave from here on --- */

     /* RrsetWriter.writeBatch, one transaction: PlanLocks.lockForWrite, i.e.
        SELECT generation FROM plan WHERE generation = g FOR KEY SHARE; no row: the plan is gone
        (cleanup deleted it), skip it and write nothing. NO_PLAN_LOCK: neither lock nor check. */
#ifndef NO_PLAN_LOCK
     atomic {
       if
       :: planExists[g] ->
          ks[g]++; ksMask = ksMask | BIT(g); locked = true;
          printf("NARRATE enactor %d locks plan %d FOR KEY SHARE\n", ME, g)
       :: else ->
          printf("NARRATE enactor %d skips plan %d: deleted meanwhile\n", ME, g)
       fi
     }
#else
     locked = true;
#endif
     if
     :: locked ->
        /* RrsetStore.states, then WriteRule.decide: RejectEmpty / Write / Unchanged / SkipStale. */
        atomic {
          cur = rgen;
          go = !planEmpty[g] && cur < g;
          if
          :: planEmpty[g] -> printf("NARRATE enactor %d rejects plan %d: no address\n", ME, g)
          :: else -> skip
          fi;
          cur = 0
        }
        /* RrsetStore.write: INSERT ... ON CONFLICT DO UPDATE ... WHERE rrset.applied_generation
           < EXCLUDED.applied_generation; COMMIT releases the KEY SHARE lock. */
        atomic {
          if
          :: go && rgen < g ->
             rgen = g; rempty = false; SAW(g);
             printf("NARRATE enactor %d writes plan %d\n", ME, g)
          :: go && rgen >= g ->
             printf("NARRATE enactor %d loses the compare-and-set with plan %d (rrset holds %d)\n",
                    ME, g, rgen)
          :: else -> skip
          fi;
#ifndef NO_PLAN_LOCK
          ks[g]--;
          if
          :: ks[g] == 0 -> ksMask = ksMask & ~BIT(g)
          :: else -> skip
          fi;
#endif
          locked = false; go = false; last = g
        }
     :: else -> last = g
     fi;

     /* Cleaner.safe, first: CleanupRule.deletablePlans(SAFE, plans, KEEP, referenced) on a
        snapshot: the oldest (count - KEEP) plans, minus those the rrset holds. */
     d_step {
       n = 0; i = 1;
       do
       :: i <= P -> n = n + planExists[i]; i++
       :: else -> break
       od;
       i = 1;
       do
       :: i <= P && n > KEEP ->
          if
          :: planExists[i] ->
             n--;
             if
             :: rgen != i ->
                cand = cand | BIT(i);
                printf("NARRATE enactor %d cleanup: plan %d is old and unreferenced (snapshot)\n", ME, i)
             :: else -> skip
             fi
          :: else -> skip
          fi;
          i++
       :: else -> break
       od;
       i = 0; n = 0
     }
     /* PlanLocks.lockForCleanup: SELECT generation FROM plan WHERE generation = ANY(cand)
        ORDER BY generation FOR UPDATE, which waits for every writer holding one of them FOR KEY
        SHARE to commit; then PlanDeletes.deleteUnreferenced: DELETE FROM plan p WHERE ... AND NOT
        EXISTS (SELECT 1 FROM rrset r WHERE r.applied_generation = p.generation), a new statement
        whose snapshot sees those commits.
        RACY_CLEANUP, the pre-fix version: the DELETE alone. Its NOT EXISTS is evaluated on the
        snapshot the statement takes when it starts; it then waits for the row locks of writers
        that have not committed yet, and deletes without looking again (a lock-only conflict
        triggers no re-check in READ COMMITTED). */
#ifdef RACY_CLEANUP
     if
     :: cand != 0 ->
        d_step {
          i = 1;
          do
          :: i <= P ->
             if
             :: (cand & BIT(i)) != 0 && rgen == i -> cand = cand & ~BIT(i)
             :: else -> skip
             fi;
             i++
          :: else -> break
          od;
          i = 0;
          if
          :: cand != 0 ->
             printf("NARRATE enactor %d DELETE starts: its snapshot sees no reference to the candidates\n", ME)
          :: else -> skip
          fi
        }
     :: else -> skip
     fi;
#endif
     if
     :: cand != 0 ->
        d_step {
          (cand & ksMask) == 0;
          i = 1;
          do
          :: i <= P ->
             if
             :: ((cand & BIT(i)) != 0 && planExists[i]
#ifndef RACY_CLEANUP
                 && rgen != i
#endif
                ) -> planExists[i] = false;
                   printf("NARRATE enactor %d deletes plan %d\n", ME, i)
             :: else -> skip
             fi;
             i++
          :: else -> break
          od;
          i = 0; cand = 0
        }
     :: else -> skip
     fi

#else /* MODE == legacy */
     /* LegacyRule.start: Stuck while the rrset points at a deleted plan (the enactor refuses to
        act until an operator repairs it); else Apply(newest) if newer than the last it applied.
        Checked once, here, never again however long the write below is delayed. */
     atomic {
       (rgen == 0 || planExists[rgen]) && published > last -> g = published;
       printf("NARRATE enactor %d picks plan %d (checked once)\n", ME, g)
     }
     /* --- the delay --- */

     /* WriteRule.decide(LEGACY) = Write; RrsetStore.write without the compare-and-set. */
     atomic {
       if
       :: rgen > g ->
          printf("NARRATE enactor %d writes STALE plan %d over plan %d\n", ME, g, rgen);
#ifdef OUTAGE_2025
          staleWritten = true
#else
          skip
#endif
       :: else ->
          printf("NARRATE enactor %d writes plan %d\n", ME, g)
       fi;
       rgen = g; rempty = planEmpty[g]; SAW(g); last = g
     }

     /* Cleaner.legacy: CleanupRule.deletablePlans(LEGACY, plans, KEEP, {}), PlanDeletes.delete
        each: the oldest (count - KEEP) plans, referenced or not. */
     d_step {
       n = 0; i = 1;
       do
       :: i <= P -> n = n + planExists[i]; i++
       :: else -> break
       od;
       i = 1;
       do
       :: i <= P && n > KEEP ->
          if
          :: planExists[i] ->
             n--; planExists[i] = false;
             if
             :: rgen == i -> printf("NARRATE enactor %d deletes plan %d, which the rrset holds\n", ME, i)
             :: else -> printf("NARRATE enactor %d deletes plan %d\n", ME, i)
             fi
          :: else -> skip
          fi;
          i++
       :: else -> break
       od;
       i = 0; n = 0
     }
     /* CleanupRule.endpointsToClear on a snapshot (RrsetStore.appliedByEndpoint, the plans)... */
     clear = (rgen != 0 && !planExists[rgen]);
     /* ...then RrsetStore.clearIfPlanDeleted: UPDATE rrset SET rdata = '{}' WHERE ... AND
        cardinality(rdata) > 0 AND NOT EXISTS (SELECT 1 FROM plan p WHERE p.generation =
        r.applied_generation). */
     if
     :: clear ->
        atomic {
          if
          :: rgen != 0 && !planExists[rgen] && !rempty ->
             rempty = true;
             printf("NARRATE enactor %d CLEARS the endpoint: it points at deleted plan %d\n", ME, rgen)
          :: else -> skip
          fi;
          clear = false
        }
     :: else -> skip
     fi
#endif
  od
}
