/**
 * Accounts that work in lockstep (SynchroTrap's idea, for an API's traffic): a fleet driven by one job
 * scheduler shares nothing an identifier shows (each account its own card, address and client) but
 * works in the same minutes, hour after hour, at hours of the scheduler's choosing, and is quiet
 * together in between. Strangers share a minute now and then; the question is whether two accounts
 * share far more of their minutes than their own hours of the day explain, on several separate
 * occasions at several different hours.
 *
 * Written by hand: the pieces (MinHash, banded LSH, union-find) are a few lines each, and what matters
 * is the test that follows the candidate search (lift over each one's hours, occasions, the clock), which no
 * library does.
 */
import { fmix32 } from "../core/index.js";
import { IndexUnionFind } from "./union-find.js";

/** Activity is read in 5-minute windows: a job's requests minutes apart fill consecutive ones. */
export const WINDOW_MS = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOWS_PER_HOUR = HOUR / WINDOW_MS;
const WINDOWS_PER_DAY = 24 * WINDOWS_PER_HOUR;
/** How far back an account's windows are compared. */
export const SYNC_HORIZON_MS = 7 * DAY;
const HORIZON_WINDOWS = SYNC_HORIZON_MS / WINDOW_MS;
/** Fewer windows than this in the horizon say too little about when an account works. */
export const MIN_WINDOWS = 10;
/**
 * An account busy in more than this share of the horizon's windows is always on (an app, a pipeline):
 * its timing says nothing about anyone else's, so its windows are not kept.
 */
const ALWAYS_ON_SHARE = 0.4;
const MAX_WINDOWS = Math.round(HORIZON_WINDOWS * ALWAYS_ON_SHARE);
/** Windows within this many of each other are one occasion (a job of 20 to 90 minutes is one). */
const OCCASION_GAP_WINDOWS = 6;

/** What a pair must show to be in lockstep. */
export const SYNC_TEST = {
  /** Windows both were active in. */
  minShared: 8,
  /** Shared windows over the windows either was active in. */
  minJaccard: 0.25,
  /** Shared windows over the number expected of two accounts as busy as these at each hour of the day. */
  minLift: 4,
  /** Separate occasions (shared windows more than half an hour apart). */
  minOccasions: 3,
  /**
   * Different UTC hours those occasions began at. A timetable (a class twice a week at its hours, a
   * team's stand-up) puts real people in lockstep at the same hours; a scheduler's jobs fall anywhere.
   */
  minHours: 4,
} as const;

/** Groups smaller than this are two colleagues at one desk as easily as a fleet. */
export const MIN_SYNC_GROUP = 3;

/** The share of an account's windows in its 3 busiest 5-minute phases of the hour past which a clock drives it (a cron). */
const CLOCK_PHASE_SHARE = 0.7;
const PHASES_PER_HOUR = 12;

const HASHES = 32;
const ROWS_PER_BAND = 2;
const BANDS = HASHES / ROWS_PER_BAND;
/** Past this many members a bucket is checked against its first few members only, not pair by pair. */
const BUCKET_ALL_PAIRS = 24;
const BUCKET_REPRESENTATIVES = 8;

/** A cheap, well-mixed 32-bit hash of a window number under a seed. */
const mix = fmix32;
const SEEDS = Array.from({ length: HASHES }, (_, i) => mix(0x9e3779b9 * (i + 1)));

export interface PairTest {
  shared: number;
  jaccard: number;
  lift: number;
  occasions: number;
  hours: number;
}

/** What a synchronised group showed, from the pairs that tied it (medians over them). */
export interface SyncGroup {
  accounts: string[];
  /** The pairs that passed the test and tied the group (each account is in at least one). */
  ties: Array<[string, string]>;
  pairs: number;
  shared: number;
  occasions: number;
  hours: number;
  lift: number;
}

/** Whether an account's windows fall at a few fixed minutes of the hour: a cron's, whoever runs it. */
export function clockDriven(windows: readonly number[]): boolean {
  if (windows.length < MIN_WINDOWS) return false;
  const phases = new Array<number>(PHASES_PER_HOUR).fill(0);
  for (const w of windows) phases[w % PHASES_PER_HOUR] = (phases[w % PHASES_PER_HOUR] as number) + 1;
  phases.sort((a, b) => b - a);
  return ((phases[0] as number) + (phases[1] as number) + (phases[2] as number)) / windows.length >= CLOCK_PHASE_SHARE;
}

const hourOf = (w: number): number => Math.floor((w * WINDOW_MS) / HOUR) % 24;

/**
 * The lockstep test for two accounts' windows (ascending). Two independent accounts meet by chance
 * in proportion to how busy each is at each hour of the day while both are around: over the span
 * both were active in, with a and b windows at hour h out of that span's n windows at hour h, about
 * a·b/n of them coincide. So two people who both work evenings, or a class and its lecture hour,
 * expect to meet, and the lift (shared over expected) says how far past their own hours they go.
 * Only the span both were active in counts: two accounts made the same day and used for two days
 * would otherwise expect a week's worth of hours and meet far more than "expected". The crowd does
 * not enter either, so a fleet that is most of a small log's traffic does not make its own minutes
 * look ordinary.
 */
export function testPair(a: readonly number[], b: readonly number[]): PairTest {
  const none: PairTest = { shared: 0, jaccard: 0, lift: 0, occasions: 0, hours: 0 };
  if (a.length === 0 || b.length === 0) return none;
  const from = Math.max(a[0] as number, b[0] as number);
  const to = Math.min(a[a.length - 1] as number, b[b.length - 1] as number);
  if (to < from) return none;
  const inA = new Float64Array(24);
  const inB = new Float64Array(24);
  let occasions = 0;
  let lastShared = -Infinity;
  const hours = new Set<number>();
  for (const w of a) if (w >= from && w <= to) inA[hourOf(w)] = (inA[hourOf(w)] as number) + 1;
  for (const w of b) if (w >= from && w <= to) inB[hourOf(w)] = (inB[hourOf(w)] as number) + 1;
  const shared = forEachShared(a, b, (w) => {
    if (w - lastShared > OCCASION_GAP_WINDOWS) {
      occasions++;
      hours.add(hourOf(w));
    }
    lastShared = w;
  });
  // Windows of each hour of the day in the span: whole days, then the part-day left over.
  const span = to - from + 1;
  const slots = new Float64Array(24).fill(Math.floor(span / WINDOWS_PER_DAY) * WINDOWS_PER_HOUR);
  for (let w = from + span - (span % WINDOWS_PER_DAY); w <= to; w++) slots[hourOf(w)] = (slots[hourOf(w)] as number) + 1;
  let expected = 0;
  for (let h = 0; h < 24; h++) if ((slots[h] as number) > 0) expected += ((inA[h] as number) * (inB[h] as number)) / (slots[h] as number);
  return { shared, jaccard: shared / (a.length + b.length - shared), lift: expected > 0 ? shared / expected : 0, occasions, hours: hours.size };
}

/** Calls `each` with every window both ascending lists hold, in order; returns how many there were. */
function forEachShared(a: readonly number[], b: readonly number[], each?: (w: number) => void): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      shared++;
      each?.(x);
      i++;
      j++;
    }
  }
  return shared;
}

/** Whether two accounts share enough windows, and enough of their windows, for the full test to pass. */
function mayPass(a: readonly number[], b: readonly number[]): boolean {
  const shared = forEachShared(a, b);
  return shared >= SYNC_TEST.minShared && shared / (a.length + b.length - shared) >= SYNC_TEST.minJaccard;
}

export const passes = (t: PairTest): boolean =>
  t.shared >= SYNC_TEST.minShared && t.jaccard >= SYNC_TEST.minJaccard && t.lift >= SYNC_TEST.minLift && t.occasions >= SYNC_TEST.minOccasions && t.hours >= SYNC_TEST.minHours;

/** The 32 minima of the seeded hashes over an account's windows (the windows that attain them). */
function signature(windows: readonly number[]): Uint32Array {
  const best = new Uint32Array(HASHES).fill(0xffffffff);
  const arg = new Uint32Array(HASHES);
  for (const w of windows) {
    for (let s = 0; s < HASHES; s++) {
      const h = mix(w ^ (SEEDS[s] as number));
      if (h < (best[s] as number)) {
        best[s] = h;
        arg[s] = w;
      }
    }
  }
  return arg;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor(s.length / 2)] as number);
};

/**
 * Each account's 5-minute windows of activity over the last SYNC_HORIZON_MS. Fed in time order (the
 * hunt's); an exchange a little out of order is placed where it belongs.
 */
export class ActivityWindows {
  private readonly windows = new Map<string, number[]>();
  /** Always-on accounts, not kept until this window. */
  private readonly busyUntil = new Map<string, number>();

  record(account: string, ts: number): void {
    const w = Math.floor(ts / WINDOW_MS);
    const busy = this.busyUntil.get(account);
    if (busy !== undefined) {
      if (w < busy) return;
      this.busyUntil.delete(account);
    }
    const list = this.windows.get(account);
    if (list === undefined) {
      this.windows.set(account, [w]);
      return;
    }
    const last = list[list.length - 1] as number;
    if (last === w) return;
    if (last > w) {
      // Out of order: placed where it belongs, unless the account already has it.
      const at = sortedIndex(list, w);
      if (list[at] !== w) list.splice(at, 0, w);
      return;
    }
    if (list.length < MAX_WINDOWS) list.push(w);
    else {
      this.windows.delete(account);
      this.busyUntil.set(account, w + HORIZON_WINDOWS);
    }
  }

  /** Forgets windows older than the horizon before `now`. */
  trim(now: number): void {
    const oldest = Math.floor((now - SYNC_HORIZON_MS) / WINDOW_MS);
    for (const [account, list] of this.windows) {
      let drop = 0;
      while (drop < list.length && (list[drop] as number) < oldest) drop++;
      if (drop === list.length) this.windows.delete(account);
      else if (drop > 0) list.splice(0, drop);
    }
    for (const [account, until] of this.busyUntil) if (until < oldest) this.busyUntil.delete(account);
  }

  /** Accounts whose windows are held (memory follows the horizon's active accounts). */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Groups of MIN_SYNC_GROUP or more accounts tied by pairs in lockstep over the horizon before `now`.
   * Candidates come from MinHash bands (16 of 2 rows: two accounts sharing 40% of their windows meet
   * in some band 94% of the time), so the work grows with the accounts, not their pairs; each candidate
   * pair then takes the full test.
   */
  groups(now: number): SyncGroup[] {
    this.trim(now);
    const ids: string[] = [];
    const lists: number[][] = [];
    for (const [account, list] of this.windows) {
      if (list.length < MIN_WINDOWS || clockDriven(list)) continue;
      ids.push(account);
      lists.push(list);
    }
    const sets = new IndexUnionFind(ids.length);
    const tested = new Set<number>();
    const tied = new Map<number, Array<PairTest & { a: number; b: number }>>();
    const check = (x: number, y: number): void => {
      const [a, b] = x < y ? [x, y] : [y, x];
      const ra = sets.find(a);
      const rb = sets.find(b);
      // Already one group: a fleet's thousands of further pairs would add nothing but time.
      if (ra === rb) return;
      const pairKey = a * ids.length + b;
      if (tested.has(pairKey)) return;
      tested.add(pairKey);
      // Most candidates are strangers whose few shared windows end it here, before the full test.
      if (!mayPass(lists[a] as number[], lists[b] as number[])) return;
      const t = { ...testPair(lists[a] as number[], lists[b] as number[]), a, b };
      if (!passes(t)) return;
      const root = sets.joinRoots(ra, rb);
      const pa = tied.get(ra) ?? [];
      const pb = tied.get(rb) ?? [];
      const [big, small] = pa.length >= pb.length ? [pa, pb] : [pb, pa];
      for (const p of small) big.push(p);
      big.push(t);
      tied.delete(ra);
      tied.delete(rb);
      tied.set(root, big);
    };
    const signatures = lists.map(signature);
    for (let band = 0; band < BANDS; band++) {
      const buckets = new Map<string, number[]>();
      for (let i = 0; i < signatures.length; i++) {
        const sig = signatures[i] as Uint32Array;
        const key = `${sig[band * ROWS_PER_BAND]}:${sig[band * ROWS_PER_BAND + 1]}`;
        const bucket = buckets.get(key);
        if (bucket) bucket.push(i);
        else buckets.set(key, [i]);
      }
      for (const bucket of buckets.values()) {
        if (bucket.length < 2) continue;
        const reps = bucket.length <= BUCKET_ALL_PAIRS ? bucket.length : BUCKET_REPRESENTATIVES;
        for (let r = 0; r < reps; r++) for (let m = r + 1; m < bucket.length; m++) check(bucket[r] as number, bucket[m] as number);
      }
    }
    const out: SyncGroup[] = [];
    for (const [root, set] of sets.sets()) {
      if (!tied.has(root)) continue;
      const accounts = set.map((i) => ids[i] as string);
      if (accounts.length < MIN_SYNC_GROUP) continue;
      const pairs = tied.get(root) as Array<PairTest & { a: number; b: number }>;
      out.push({
        accounts: accounts.sort(),
        ties: pairs.map((p) => [ids[p.a] as string, ids[p.b] as string]),
        pairs: pairs.length,
        shared: median(pairs.map((p) => p.shared)),
        occasions: median(pairs.map((p) => p.occasions)),
        hours: median(pairs.map((p) => p.hours)),
        lift: median(pairs.map((p) => p.lift)),
      });
    }
    return out.sort((x, y) => (x.accounts[0] as string) < (y.accounts[0] as string) ? -1 : 1);
  }
}

function sortedIndex(list: readonly number[], w: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < w) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
