import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../core/index.js";
import { ActivityWindows, clockDriven, passes, testPair, WINDOW_MS } from "./timing.js";

const START = Date.parse("2026-03-02T00:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** An evening-heavy person's hours (UTC), as a weight per hour. */
const EVENINGS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.6, 0.9, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.2, 1.4, 1.6, 1.8, 1.6, 1, 0.5];

function hourFrom(rng: Rng, weights: readonly number[]): number {
  let x = rng() * weights.reduce((a, b) => a + b, 0);
  for (let h = 0; h < 24; h++) if ((x -= weights[h] as number) < 0) return h;
  return 23;
}

/** Request times of a person: a few sessions a day at their own hours, a few requests minutes apart each. */
function person(rng: Rng, days: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    for (let s = Math.floor(rng() * 4); s > 0; s--) {
      const at = START + d * DAY + hourFrom(rng, EVENINGS) * HOUR + Math.floor(rng() * HOUR);
      for (let t = 0, n = 1 + Math.floor(rng() * 4); n > 0; n--, t += 2 * MINUTE + Math.floor(rng() * 8 * MINUTE)) out.push(at + t);
    }
  }
  return out.sort((a, b) => a - b);
}

/** One scheduler's jobs: one to three a day at any hour, 20 to 90 minutes each. */
function jobs(rng: Rng, days: number): Array<{ at: number; ms: number }> {
  const out: Array<{ at: number; ms: number }> = [];
  for (let d = 0; d < days; d++) for (let j = 1 + Math.floor(rng() * 3); j > 0; j--) out.push({ at: START + d * DAY + Math.floor(rng() * DAY), ms: (20 + rng() * 70) * MINUTE });
  return out;
}

/** A fleet account working three in four of the scheduler's jobs, a request every four to ten minutes. */
function worker(rng: Rng, plan: ReadonlyArray<{ at: number; ms: number }>): number[] {
  const out: number[] = [];
  for (const job of plan) {
    if (rng() > 0.75) continue;
    for (let t = Math.floor(rng() * 5 * MINUTE); t < job.ms; t += 4 * MINUTE + Math.floor(rng() * 6 * MINUTE)) out.push(job.at + t);
  }
  return out.sort((a, b) => a - b);
}

/** An app's cron: a burst of requests seconds apart at one minute of every hour. */
function cron(rng: Rng, days: number, minute: number): number[] {
  const out: number[] = [];
  for (let h = 0; h < days * 24; h++) for (let k = 0; k < 5; k++) out.push(START + h * HOUR + minute * MINUTE + k * 3_000 + Math.floor(rng() * 2_000));
  return out;
}

/** A student: lectures twice a week at 09:00 and 14:00, a question every two to five minutes (a lab), and their own evenings. */
function student(rng: Rng, days: number): number[] {
  const out = person(rng, days);
  for (let d = 0; d < days; d++) {
    const hour = d % 7 === 1 ? 9 : d % 7 === 3 ? 14 : null;
    if (hour === null || rng() > 0.9) continue;
    for (let t = Math.floor(rng() * 5 * MINUTE); t < 90 * MINUTE; t += 2 * MINUTE + Math.floor(rng() * 3 * MINUTE)) out.push(START + d * DAY + hour * HOUR + t);
  }
  return out.sort((a, b) => a - b);
}

/** A support desk's app: busy in seven of every ten hours between 08:00 and 20:00, a request every few minutes. */
function supportDesk(rng: Rng, days: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 8; h < 20; h++) {
      if (rng() > 0.7) continue;
      for (let t = Math.floor(rng() * 3 * MINUTE); t < HOUR; t += 2 * MINUTE + Math.floor(rng() * 2 * MINUTE)) out.push(START + d * DAY + h * HOUR + t);
    }
  }
  return out;
}

const windowsOf = (times: readonly number[]): number[] => [...new Set(times.map((t) => Math.floor(t / WINDOW_MS)))].sort((a, b) => a - b);
const pairTest = (a: readonly number[], b: readonly number[]) => testPair(windowsOf(a), windowsOf(b));

describe("lockstep test for a pair of accounts", () => {
  it("passes two workers of one scheduler and fails two people with the same evening habit, a class and its lectures, or two apps' crons", () => {
    const rng = createRng(7);
    const plan = jobs(rng, 7);
    const fleet = pairTest(worker(rng, plan), worker(rng, plan));
    expect(passes(fleet)).toBe(true);
    expect(fleet.occasions).toBeGreaterThanOrEqual(5);

    for (let i = 0; i < 50; i++) expect(passes(pairTest(person(rng, 7), person(rng, 7)))).toBe(false);
    const classmates = pairTest(student(rng, 7), student(rng, 7));
    expect(classmates.shared).toBeGreaterThanOrEqual(8); // they do meet, at their lectures
    expect(passes(classmates)).toBe(false);
    // Two support desks meet in most working hours, on occasions at every hour of the day: only
    // their own hours explain it (the lift), since each is busy in half of those hours' windows.
    const desks = pairTest(supportDesk(rng, 7), supportDesk(rng, 7));
    expect(desks.jaccard).toBeGreaterThanOrEqual(0.25);
    expect(desks.hours).toBeGreaterThanOrEqual(4);
    expect(desks.lift).toBeLessThan(2);
    expect(passes(desks)).toBe(false);
    // Two crons meet every hour; the test passes them (the clock check, not the pair test, sets them aside).
    const crons = [windowsOf(cron(rng, 7, 0)), windowsOf(cron(rng, 7, 0))];
    expect(crons.every(clockDriven)).toBe(true);
    expect(clockDriven(windowsOf(worker(rng, plan)))).toBe(false);
    expect(clockDriven(windowsOf(person(rng, 7)))).toBe(false);
  });
});

describe("ActivityWindows", () => {
  it("finds one scheduler's twelve accounts among 300 people, ten crons and a class of twenty, and nobody else", () => {
    const rng = createRng(11);
    const plan = jobs(rng, 7);
    const aw = new ActivityWindows();
    const streams: Array<[string, number[]]> = [];
    for (let i = 0; i < 12; i++) streams.push([`acct_fleet${i}`, worker(rng, plan)]);
    for (let i = 0; i < 300; i++) streams.push([`acct_person${i}`, person(rng, 7)]);
    for (let i = 0; i < 10; i++) streams.push([`acct_cron${i}`, cron(rng, 7, i < 7 ? 0 : 30)]);
    for (let i = 0; i < 20; i++) streams.push([`acct_student${i}`, student(rng, 7)]);
    const events = streams.flatMap(([a, ts]) => ts.map((t) => [a, t] as const)).sort((x, y) => x[1] - y[1]);
    for (const [a, t] of events) aw.record(a, t);
    const groups = aw.groups(START + 7 * DAY);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g?.accounts).toEqual(Array.from({ length: 12 }, (_, i) => `acct_fleet${i}`).sort());
    for (const [a, b] of g?.ties ?? []) expect(g?.accounts).toEqual(expect.arrayContaining([a, b]));
    expect(g?.lift).toBeGreaterThanOrEqual(4);
  });

  it("finds the same twelve among 20,000 people who all keep the same evening hours", () => {
    const rng = createRng(13);
    const plan = jobs(rng, 7);
    const aw = new ActivityWindows();
    const events: Array<readonly [string, number]> = [];
    for (let i = 0; i < 12; i++) for (const t of worker(rng, plan)) events.push([`acct_fleet${i}`, t]);
    for (let i = 0; i < 20_000; i++) for (const t of person(rng, 7)) events.push([`acct_person${i}`, t]);
    events.sort((x, y) => x[1] - y[1]);
    for (const [a, t] of events) aw.record(a, t);
    const groups = aw.groups(START + 7 * DAY);
    expect(groups.map((g) => g.accounts.every((a) => a.startsWith("acct_fleet")))).toEqual([true]);
    expect(groups[0]?.accounts.length).toBeGreaterThanOrEqual(10);
  });

  it("keeps no windows for an account busy in most of them, forgets what falls out of the week, and places a late exchange where it belongs", () => {
    const aw = new ActivityWindows();
    for (let t = 0; t < 5 * DAY; t += 2 * MINUTE) aw.record("acct_always_on", START + t);
    aw.record("acct_person", START + 3 * DAY + 10 * MINUTE);
    aw.record("acct_person", START + 3 * DAY);
    aw.record("acct_person", START + 3 * DAY + 10 * MINUTE);
    expect(aw.size).toBe(1);
    aw.trim(START + 9 * DAY);
    expect(aw.size).toBe(1);
    aw.trim(START + 11 * DAY);
    expect(aw.size).toBe(0);
  });
});
