import { describe, expect, it } from "vitest";
import { ServiceError, withoutPassword } from "./errors.js";

describe("withoutPassword", () => {
  it("keeps a service address's user and host but never its password", () => {
    expect(withoutPassword("postgres://hs:pa55@db.internal:5432/hydra?schema=replay_1")).toBe("postgres://hs:***@db.internal:5432/hydra?schema=replay_1");
    expect(withoutPassword("redis://:pa55@10.0.0.7:6379/2")).toBe("redis://:***@10.0.0.7:6379/2");
    expect(withoutPassword("postgres://postgres@127.0.0.1:5432/test")).toBe("postgres://postgres@127.0.0.1:5432/test");
    expect(withoutPassword(".hydrasentry/hydrasentry.db")).toBe(".hydrasentry/hydrasentry.db");
  });

  it("is what a ServiceError shows and carries", () => {
    const err = new ServiceError("NATS", "nats://ops:pa55@10.0.0.9:4222", new Error("connection refused"));
    expect(err.message).toBe("NATS at nats://ops:***@10.0.0.9:4222: connection refused");
    expect(err.context).toEqual({ service: "NATS", url: "nats://ops:***@10.0.0.9:4222" });
  });
});
