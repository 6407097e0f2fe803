import { describe, expect, it } from "vitest";
import { clientIp } from "./request.js";

describe("clientIp", () => {
  it("takes the entry our own proxies wrote, however many hops are trusted, not what the client forged to its left", () => {
    expect(clientIp("6.6.6.6, 203.0.113.7", "10.0.0.2", 1)).toBe("203.0.113.7");
    expect(clientIp("6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", 2)).toBe("203.0.113.7");
  });

  it("reads entries that carry the client's port, IPv4 or bracketed IPv6", () => {
    expect(clientIp("203.0.113.7:51234", "10.0.0.2", 1)).toBe("203.0.113.7");
    expect(clientIp("[2001:db8::1]:443", "10.0.0.2", 1)).toBe("2001:db8::1");
    expect(clientIp("[2001:db8::1]", "10.0.0.2", 1)).toBe("2001:db8::1");
    expect(clientIp("2001:db8::1", "10.0.0.2", 1)).toBe("2001:db8::1");
  });

  it("falls back to the socket when nothing is trusted or the entry is no address", () => {
    expect(clientIp("203.0.113.7", "10.0.0.2", 0)).toBe("10.0.0.2");
    expect(clientIp("unknown", "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientIp("203.0.113.7:99999999", "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientIp("203.0.113.7", "10.0.0.2", 3)).toBe("10.0.0.2");
    expect(clientIp(undefined, "::ffff:10.0.0.2", 1)).toBe("::ffff:10.0.0.2");
  });
});
