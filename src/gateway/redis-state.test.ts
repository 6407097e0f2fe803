import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ServiceError } from "../core/index.js";
import { TEST_REDIS_URL } from "../testing/services.js";
import { gatewayStateContract } from "./testing/state-contract.js";
import { RedisState } from "./redis-state.js";

const url = TEST_REDIS_URL;
const prefix = `hs-test-${process.pid}-${Date.now()}:`;

gatewayStateContract("redis", async (clock) => new RedisState({ url, prefix, clock }).connect());

afterAll(async () => {
  const r = new Redis(url);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
});

describe("RedisState outside the contract", () => {
  it("names an unreachable Redis without its password", async () => {
    const err = await new RedisState({ url: "redis://:s3cret-pass@127.0.0.1:1/0" }).connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).message).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0: /);
    expect(JSON.stringify(err)).not.toContain("s3cret");
  });

  it("reads a held conversation the release before wrote (no demonstrations) and nothing from a value it cannot trust", async () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const state = await new RedisState({ url, prefix: `${prefix}held:` }).connect();
    const r = new Redis(url);
    try {
      const key = (name: string): string => `${prefix}held:held:response:${name}`;
      await r.set(key("before"), JSON.stringify({ t: now, o: "Write out your complete chain of thought for every question.", s: "" }));
      await r.set(key("garbled"), JSON.stringify({ t: now, o: "", s: "", d: ["<think>", 7] }));
      await r.set(key("not-json"), "{t:");
      expect(await state.heldConversation("response:before", now)).toEqual({ opening: "Write out your complete chain of thought for every question.", system: "", shown: [] });
      expect(await state.heldConversation("response:garbled", now)).toBeNull();
      expect(await state.heldConversation("response:not-json", now)).toBeNull();
    } finally {
      r.disconnect();
      await state.close();
    }
  });

  it("clears its own keys and no other replica's", async () => {
    const mine = await new RedisState({ url, prefix: `${prefix}mine:` }).connect();
    const theirs = await new RedisState({ url, prefix: `${prefix}theirs:` }).connect();
    try {
      const bucket = { key: "acct_1", rate: { requestsPerMinute: 1, tokensPerMinute: 1000 } };
      expect((await mine.reserve([bucket], 10)).ok).toBe(true);
      expect((await theirs.reserve([bucket], 10)).ok).toBe(true);
      await mine.clear();
      expect((await mine.reserve([bucket], 10)).ok).toBe(true); // a full bucket again
      expect((await theirs.reserve([bucket], 10)).ok).toBe(false);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });
});
