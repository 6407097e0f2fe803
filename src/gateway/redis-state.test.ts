import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { gatewayStateContract } from "./testing/state-contract.js";
import { RedisState } from "./redis-state.js";

const url = process.env.HYDRASENTRY_TEST_REDIS ?? "redis://127.0.0.1:6379/0";
const prefix = `hs-test-${process.pid}-${Date.now()}:`;

gatewayStateContract("redis", async () => new RedisState({ url, prefix }).connect());

afterAll(async () => {
  const r = new Redis(url);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
});
