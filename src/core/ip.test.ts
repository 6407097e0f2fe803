import { describe, expect, it } from "vitest";
import { blockKey, canonicalIp, cidrOfNetwork, ipBytes, networkOf, parseIpBlock, subscriberOf } from "./ip.js";

describe("canonicalIp", () => {
  it("writes each IPv6 address one way, whatever form the log used", () => {
    const forms = ["2001:db8:0:1::5", "2001:0DB8:0000:0001:0000:0000:0000:0005", "2001:db8:0:1:0:0:0:5", "[2001:db8:0:1::5]"];
    expect(new Set(forms.map(canonicalIp))).toEqual(new Set(["2001:db8:0:1::5"]));
  });

  it("reads an IPv4 client on a dual-stack socket as the IPv4 address", () => {
    expect(canonicalIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(canonicalIp("::FFFF:cb00:7107")).toBe("203.0.113.7");
  });

  it("drops a link-local zone, which names the receiver's interface", () => {
    expect(canonicalIp("fe80::1%eth0")).toBe("fe80::1");
  });

  it("keeps what is not an address as it is, an opaque key", () => {
    for (const raw of ["unknown", "1.2.3", "300.1.1.1", "::gg", ""]) expect(canonicalIp(raw)).toBe(raw);
  });
});

describe("networkOf and subscriberOf", () => {
  it("puts an IPv4 address in its /24 and holds it as one subscriber", () => {
    expect(networkOf("203.0.113.7")).toBe("203.0.113");
    expect(subscriberOf("203.0.113.7")).toBe("203.0.113.7");
  });

  it("gives a phone's hourly privacy addresses one subscriber key (its /64) and one /48", () => {
    const addrs = ["2a02:8109:b6c0:1f3e:5d1a:9c4e:21b7:aa01", "2a02:8109:b6c0:1f3e:e0f2:1b3c:7a4d:0c9e", "2A02:8109:B6C0:1F3E::1"];
    expect(new Set(addrs.map(subscriberOf))).toEqual(new Set(["2a02:8109:b6c0:1f3e::/64"]));
    expect(new Set(addrs.map(networkOf))).toEqual(new Set(["2a02:8109:b6c0"]));
  });

  it("keeps neighbours in one /48 apart as subscribers", () => {
    expect(subscriberOf("2001:db8:1:2::9")).not.toBe(subscriberOf("2001:db8:1:3::9"));
    expect(networkOf("2001:db8:1:2::9")).toBe(networkOf("2001:db8:1:3::9"));
  });

  it("reads zero groups the same whether the log compressed them or not", () => {
    expect(networkOf("2001:db8::5")).toBe("2001:db8:0");
    expect(networkOf("2001:db8:0:0:0:0:0:5")).toBe("2001:db8:0");
    expect(subscriberOf("2001:db8::5")).toBe("2001:db8::/64");
  });

  it("treats a mapped IPv4 address as the IPv4 one", () => {
    expect(networkOf("::ffff:203.0.113.7")).toBe("203.0.113");
    expect(subscriberOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("passes non-addresses through rather than inventing a network", () => {
    expect(networkOf("unknown")).toBe("unknown");
    expect(subscriberOf("not-an-ip")).toBe("not-an-ip");
  });

  it("writes a network key back as a CIDR another party can read", () => {
    expect(cidrOfNetwork("203.0.113")).toBe("203.0.113.0/24");
    expect(cidrOfNetwork("2001:db8:0")).toBe("2001:db8::/48");
    expect(cidrOfNetwork(networkOf("2a02:8109:b6c0:1f3e::1"))).toBe("2a02:8109:b6c0::/48");
    for (const bad of ["unknown", "2001:db8:", "300.1.1", "1.2", "2001:db8:0:1"]) expect(cidrOfNetwork(bad)).toBeNull();
  });
});

describe("parseIpBlock and blockKey", () => {
  const inBlock = (ip: string, cidr: string): boolean => {
    const block = parseIpBlock(cidr);
    const a = ipBytes(ip);
    return block !== null && a !== null && a.family === block.family && blockKey(a.bytes, block.bits) === block.key;
  };

  it("matches addresses inside a block of any length and none outside it", () => {
    expect(inBlock("203.0.113.7", "203.0.112.0/22")).toBe(true);
    expect(inBlock("203.0.115.255", "203.0.112.0/22")).toBe(true);
    expect(inBlock("203.0.116.0", "203.0.112.0/22")).toBe(false);
    expect(inBlock("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(inBlock("2001:db8:1:2::9", "2001:db8::/32")).toBe(true);
    expect(inBlock("2001:db9::1", "2001:db8::/32")).toBe(false);
    expect(inBlock("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")).toBe(true);
  });

  it("reads a bare address as a block of one", () => {
    expect(parseIpBlock("203.0.113.7")).toMatchObject({ family: 4, bits: 32, cidr: "203.0.113.7/32" });
    expect(inBlock("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(inBlock("203.0.113.8", "203.0.113.7")).toBe(false);
  });

  it("writes the block as its network, however the text named it", () => {
    expect(parseIpBlock("203.0.113.77/24")?.cidr).toBe("203.0.113.0/24");
    expect(parseIpBlock("2001:DB8:0:1::5/48")?.cidr).toBe("2001:db8::/48");
    expect(parseIpBlock("0.0.0.0/0")?.cidr).toBe("0.0.0.0/0");
  });

  it("reads a mapped IPv6 block as the IPv4 block it names, and never matches across families", () => {
    expect(parseIpBlock("::ffff:203.0.113.0/120")).toMatchObject({ family: 4, bits: 24, cidr: "203.0.113.0/24" });
    expect(inBlock("2001:db8::1", "0.0.0.0/0")).toBe(false);
  });

  it("refuses what is no block", () => {
    for (const text of ["203.0.113.0/33", "2001:db8::/129", "203.0.113.0/", "203.0.113.0/-1", "203.0.113.0/2x", "1.2.3/24", "example.com/24", ""]) {
      expect(parseIpBlock(text)).toBeNull();
    }
  });
});
