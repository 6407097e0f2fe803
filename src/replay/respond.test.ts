import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDefaultModel } from "../detect/index.js";
import { readTruth } from "../eval/index.js";
import { defaultPolicy } from "../policy/index.js";
import { simulate } from "../sim/index.js";
import { PostgresStore } from "../store/index.js";
import { primedChainsLog } from "../testing/held-chains.js";
import { TEST_PG_URL, TEST_REDIS_URL } from "../testing/services.js";
import { outcomeOf, replayRespondLoop, type RespondReplayOptions, type RespondReplayResult } from "./respond.js";

const DAY = 86_400_000;

/** Smoke seed 1 (simulated into `dir`), a hunt every 2 days, tallied by campaign. */
async function options(dir: string): Promise<Omit<RespondReplayOptions, "workDir">> {
  const truth = await readTruth(join(dir, "sim", "truth.jsonl"));
  return {
    inputs: [join(dir, "sim", "exchanges.jsonl.gz")],
    everyMs: 2 * DAY,
    quarantinePath: join(dir, "quarantine.jsonl"),
    policy: defaultPolicy(),
    model: loadDefaultModel(),
    groupOf: (a) => {
      const t = truth.get(a);
      return t?.label === "distill" ? { name: t.campaign ?? "distill", side: "attacker" } : { name: "ordinary", side: "ordinary" };
    },
  };
}

describe("the respond loop replayed over a simulated log", () => {
  let dir: string;
  let result: RespondReplayResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hs-replay-"));
    await simulate({ scenario: "smoke", seed: 1, outDir: join(dir, "sim") });
    result = await replayRespondLoop({ ...(await options(dir)), workDir: join(dir, "work") });
  }, 120_000);

  it("decides every exchange once and hunts at each boundary the log crosses", () => {
    const lines = gunzipSync(readFileSync(join(dir, "sim", "exchanges.jsonl.gz"))).toString("utf8").trim().split("\n");
    const total = [...result.groups.values()].reduce((n, t) => n + t.requests, 0);
    expect(total).toBe(lines.length);
    expect(result.exchanges).toBe(lines.length);
    for (const t of result.groups.values()) expect(t.refused + t.withheld + t.served).toBe(t.requests);
    // Smoke spans 10 days: runs after days 2, 4, 6 and 8 (none after the last exchange).
    const first = Date.parse((JSON.parse(lines[0] as string) as { ts: string }).ts);
    const last = Date.parse((JSON.parse(lines.at(-1) as string) as { ts: string }).ts);
    expect(result.runs).toBe(Math.ceil(last / (2 * DAY)) - Math.ceil(first / (2 * DAY)));
  });

  it("refuses or withholds most of every campaign between runs, and no ordinary user's requests", () => {
    const ordinary = result.groups.get("ordinary");
    expect(ordinary?.refused).toBe(0);
    expect((ordinary?.withheld ?? 0) / (ordinary?.requests ?? 1)).toBeLessThan(0.01);
    for (const campaign of ["broad", "agentic", "surgical", "reseller"]) {
      const t = result.groups.get(campaign);
      expect(t, campaign).toBeDefined();
      expect((t?.served ?? 0) / (t?.requests ?? 1), campaign).toBeLessThan(0.5);
    }
    const attackers = ["broad", "agentic", "surgical", "reseller"].map((c) => result.groups.get(c));
    const served = attackers.reduce((n, t) => n + (t?.served ?? 0), 0);
    const requests = attackers.reduce((n, t) => n + (t?.requests ?? 0), 0);
    expect(served / requests).toBeLessThan(0.2);
  });

  it("tallies the same on PostgreSQL and Redis, the stores a multi-node deployment runs on, and cleans up after itself", async () => {
    const schema = `hs_replay_${randomBytes(6).toString("hex")}`;
    const location = `${TEST_PG_URL}?schema=${schema}`;
    const run = async (work: string): Promise<RespondReplayResult> =>
      replayRespondLoop({ ...(await options(dir)), workDir: join(dir, work), store: location, redisUrl: TEST_REDIS_URL });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const onServers = await run("work-servers");
      expect(onServers.runs).toBe(result.runs);
      expect(Object.fromEntries(onServers.groups)).toEqual(Object.fromEntries(result.groups));
      expect(await redis.keys(`hs-replay-${process.pid}-*`)).toEqual([]);
      // Its verdicts and bans are now in that store, and would act on a second replay's requests.
      await expect(run("work-again")).rejects.toThrow(/already holds \d+ account verdicts, \d+ clusters and \d+ sanctions.*give it a new store/);
    } finally {
      redis.disconnect();
      const store = await PostgresStore.open({ connectionString: TEST_PG_URL, schema });
      await store.dropSchema();
      await store.close();
    }
  }, 60_000);

  it("says so when the log is not in time order, instead of deciding in the wrong order", async () => {
    const lines = gunzipSync(readFileSync(join(dir, "sim", "exchanges.jsonl.gz"))).toString("utf8").trim().split("\n");
    const shuffled = join(dir, "backwards.jsonl");
    writeFileSync(shuffled, `${[...lines.slice(0, 2000)].reverse().join("\n")}\n`);
    await expect(
      replayRespondLoop({ inputs: [shuffled], everyMs: DAY, workDir: join(dir, "work2"), quarantinePath: join(dir, "quarantine2.jsonl"), policy: defaultPolicy(), model: loadDefaultModel(), groupOf: () => ({ name: "all", side: null }) }),
    ).rejects.toThrow(/replay reads the log in time order.*sort the log by ts first/);
  });
});

describe("the respond loop replayed over chains continuing stored answers", () => {
  it("withholds the reasoning of every bare question in a primed chain from its first, in memory and in Redis, and serves the plain chain", async () => {
    const log = primedChainsLog();
    const dir = dirname(log);
    const replay = (work: string, redisUrl?: string): Promise<RespondReplayResult> =>
      replayRespondLoop({ inputs: [log], everyMs: DAY, workDir: join(dir, work), quarantinePath: join(dir, "quarantine.jsonl"), policy: defaultPolicy(), model: loadDefaultModel(), groupOf: (a) => ({ name: a, side: null }), redisUrl });
    const inMemory = await replay("memory");
    // New unverified accounts asking for the reasoning: the default policy withholds it (new-account-eliciting).
    expect(inMemory.groups.get("acct_primed")).toMatchObject({ requests: 120, withheld: 120, served: 0 });
    expect(inMemory.groups.get("acct_plain")).toMatchObject({ requests: 120, withheld: 0, served: 120 });
    const inRedis = await replay("redis", TEST_REDIS_URL);
    expect(Object.fromEntries(inRedis.groups)).toEqual(Object.fromEntries(inMemory.groups));
  }, 60_000);
});

describe("outcomeOf", () => {
  const plain = { cotElicitation: 0 };
  const asks = { cotElicitation: 0.8 };
  it("reads a decision as what the caller got: refused, reasoning withheld, or served", () => {
    expect(outcomeOf({ decision: "ban_cluster", actions: ["ban_cluster"], retryAfterMs: null, signals: plain })).toBe("refused");
    expect(outcomeOf({ decision: "throttle", actions: ["throttle"], retryAfterMs: 1000, signals: plain })).toBe("refused");
    expect(outcomeOf({ decision: "strip_reasoning", actions: ["monitor", "strip_reasoning"], retryAfterMs: null, signals: plain })).toBe("withheld");
    expect(outcomeOf({ decision: "throttle", actions: ["throttle", "summarise_reasoning"], retryAfterMs: null, signals: plain })).toBe("withheld");
    expect(outcomeOf({ decision: "cap_max_tokens", actions: ["cap_max_tokens"], retryAfterMs: null, signals: plain })).toBe("served");
  });

  it("counts reasoning asked for in words as served when only thinking blocks were stripped, and withheld with answer_only", () => {
    expect(outcomeOf({ decision: "strip_reasoning", actions: ["monitor", "strip_reasoning"], retryAfterMs: null, signals: asks })).toBe("served");
    expect(outcomeOf({ decision: "strip_reasoning", actions: ["monitor", "answer_only", "strip_reasoning"], retryAfterMs: null, signals: asks })).toBe("withheld");
    // The instruction alone leaves thinking blocks in the answer.
    expect(outcomeOf({ decision: "answer_only", actions: ["answer_only"], retryAfterMs: null, signals: asks })).toBe("served");
  });
});
