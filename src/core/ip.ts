import ipaddr from "ipaddr.js";

/**
 * Client addresses as the detectors key them. Logs write one IPv6 address many ways (upper case,
 * leading zeros, "::" anywhere, an IPv4 client on a dual-stack socket as ::ffff:a.b.c.d), and one
 * IPv6 subscriber holds a whole /64 whose last half changes by the hour (privacy addresses) or by the
 * request (IPv6 proxy pools rent a /64 and draw a fresh address per call). Keying on the text would
 * split one subscriber into thousands and merge nothing; these functions give each unit one key.
 */

const V4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

type Parsed = ipaddr.IPv4 | ipaddr.IPv6 | null;

/** A valid address as ipaddr.js reads it, IPv4-mapped IPv6 as the IPv4 it carries; null if it is none. */
function parse(raw: string): Parsed {
  if (V4.test(raw)) return ipaddr.IPv4.isValidFourPartDecimal(raw) ? ipaddr.IPv4.parse(raw) : null;
  if (!raw.includes(":")) return null;
  const bare = raw.startsWith("[") && raw.endsWith("]") ? raw.slice(1, -1) : raw;
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const v6 = ipaddr.IPv6.parse(bare);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  // A zone (fe80::1%eth0) names the receiver's interface, not the client.
  v6.zoneId = undefined;
  return v6;
}

/**
 * One text per address: IPv4 dotted quads as they are, IPv6 in RFC 5952 form, IPv4-mapped IPv6 as
 * IPv4. Anything that is not an address is returned unchanged: it still works as an opaque key.
 */
export function canonicalIp(raw: string): string {
  if (V4.test(raw)) return raw;
  const a = parse(raw);
  return a === null ? raw : a.toString();
}

/** An IPv6 address's first `n` 16-bit groups, the rest zero, as RFC 5952 text. */
function v6Prefix(a: ipaddr.IPv6, groups: number): string {
  return new ipaddr.IPv6(a.parts.map((p, i) => (i < groups ? p : 0))).toString();
}

/**
 * The network an address sits in, for counting how widely an account roams: an IPv4 /24 ("a.b.c"),
 * an IPv6 /48 (its first three groups, "2001:db8:1"), which is what one site or one customer of a
 * host is given. Not an address: returned unchanged.
 */
export function networkOf(ip: string): string {
  if (V4.test(ip)) return ip.slice(0, ip.lastIndexOf("."));
  const a = parse(ip);
  if (a === null) return ip;
  if (a.kind() === "ipv6") return (a as ipaddr.IPv6).parts.slice(0, 3).map((p) => p.toString(16)).join(":");
  const v4 = a.toString();
  return v4.slice(0, v4.lastIndexOf("."));
}

/**
 * What one subscriber holds, the unit two accounts "share an address" in: an IPv4 address, or an
 * IPv6 /64 ("2001:db8:1:2::/64"), the smallest block a network hands one home, phone or rented proxy.
 */
export function subscriberOf(ip: string): string {
  if (V4.test(ip)) return ip;
  const a = parse(ip);
  if (a === null) return ip;
  return a.kind() === "ipv4" ? a.toString() : `${v6Prefix(a as ipaddr.IPv6, 4)}/64`;
}

/**
 * "a.b.c" or an IPv6 "x:y:z" network key (see networkOf) as CIDR text: "a.b.c.0/24", "x:y:z::/48";
 * null for a key that names no network (a log's "unknown", or a key an older release wrote badly).
 */
export function cidrOfNetwork(key: string): string | null {
  const groups = key.split(":");
  if (groups.length === 3) return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? (parseIpBlock(`${key}::/48`)?.cidr ?? null) : null;
  return V4.test(`${key}.0`) ? (parseIpBlock(`${key}.0/24`)?.cidr ?? null) : null;
}

/**
 * An address block, for matching addresses against blocks other parties name. `key` identifies the
 * block within its family and prefix length, so a lookup is one hash probe per prefix length held.
 */
export interface IpBlock {
  family: 4 | 6;
  bits: number;
  key: string;
  /** RFC 5952 / dotted CIDR text of the block. */
  cidr: string;
}

/** An address as bytes (4 or 16), the form blocks are keyed in. */
export interface IpBytes {
  family: 4 | 6;
  bytes: number[];
}

export function ipBytes(ip: string): IpBytes | null {
  const a = parse(ip);
  return a === null ? null : { family: a.kind() === "ipv4" ? 4 : 6, bytes: a.toByteArray() };
}

/** `bytes` with every bit past the first `bits` cleared. */
function masked(bytes: readonly number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** The key of the `bits`-long block an address's bytes fall in: equal for every address in it. */
export function blockKey(bytes: readonly number[], bits: number): string {
  let out = "";
  for (const b of masked(bytes.slice(0, Math.ceil(bits / 8)), bits)) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * A block from "a.b.c.d/n", "x:y::/n" or a bare address (a block of one); IPv4-mapped IPv6 blocks
 * become IPv4 ones. Null for anything else, including prefix lengths past the family's width.
 */
export function parseIpBlock(text: string): IpBlock | null {
  const slash = text.indexOf("/");
  const a = parse(slash < 0 ? text : text.slice(0, slash));
  if (a === null) return null;
  const family = a.kind() === "ipv4" ? 4 : 6;
  const width = family === 4 ? 32 : 128;
  let bits = width;
  if (slash >= 0) {
    const n = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(n)) return null;
    bits = Number(n);
    // A mapped IPv6 block (::ffff:a.b.c.d/120) names the IPv4 block inside it.
    if (family === 4 && text.slice(0, slash).includes(":")) bits -= 96;
    if (bits < 0 || bits > width) return null;
  }
  const bytes = a.toByteArray();
  return { family, bits, key: blockKey(bytes, bits), cidr: `${ipaddr.fromByteArray(masked(bytes, bits)).toString()}/${bits}` };
}
