import { createHmac } from "node:crypto";
import { ArgumentError, fmix32, hex32 } from "../core/index.js";

/**
 * A consortium HMAC key. Members hold the same secret; only keyed hashes leave a provider, so a
 * value (a card fingerprint, an email hash) can be matched by members and by nobody else, and a
 * low-entropy value cannot be brute-forced from what was shared.
 */
export interface ConsortiumKey {
  id: string;
  secret: Buffer;
}

const MIN_SECRET_BYTES = 32;

/** Keys by id; the current one signs new exports, older ones still match what was shared under them. */
export class Keyring {
  readonly #keys = new Map<string, ConsortiumKey>();
  readonly currentId: string;

  constructor(keys: readonly ConsortiumKey[], currentId?: string) {
    for (const k of keys) {
      if (k.secret.length < MIN_SECRET_BYTES) throw new ArgumentError(`consortium key ${k.id} is ${k.secret.length} bytes; at least ${MIN_SECRET_BYTES} are required`, { keyId: k.id });
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(k.id)) throw new ArgumentError(`consortium key id ${JSON.stringify(k.id)} must be 1-64 of [A-Za-z0-9._-]`);
      this.#keys.set(k.id, k);
    }
    const current = currentId ?? keys.at(-1)?.id;
    if (!current || !this.#keys.has(current)) throw new ArgumentError("the keyring needs a current consortium key");
    this.currentId = current;
  }

  get current(): ConsortiumKey {
    return this.#keys.get(this.currentId) as ConsortiumKey;
  }

  get(id: string): ConsortiumKey | undefined {
    return this.#keys.get(id);
  }

  ids(): string[] {
    return [...this.#keys.keys()];
  }
}

/** The canonical form of a value before hashing, so members that log it differently still match. */
export function normaliseIdentifier(kind: string, value: string): string {
  const v = value.trim();
  return kind === "email_hash" || kind === "phone_hash" || kind === "payment_fp" || kind === "tls_fp" ? v.toLowerCase() : v;
}

/** HMAC-SHA-256 over `kind NUL value`: the kind is bound in, so equal strings of different kinds never match. */
export function keyedHash(key: ConsortiumKey, kind: string, value: string): string {
  return createHmac("sha256", key.secret).update(`${kind}\u0000${normaliseIdentifier(kind, value)}`).digest("hex");
}

const saltCache = new WeakMap<ConsortiumKey, Uint32Array>();

/** 32 secret words per key, derived once: what keys a MinHash signature. */
function minhashSalts(key: ConsortiumKey): Uint32Array {
  let salts = saltCache.get(key);
  if (!salts) {
    const bytes = Buffer.concat([0, 1, 2, 3].map((i) => createHmac("sha256", key.secret).update(`minhash-salts:${i}`).digest()));
    salts = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 128));
    saltCache.set(key, salts);
  }
  return salts;
}

/**
 * A MinHash signature keyed bin by bin (XOR with a secret salt, then a murmur3 finaliser): equal bins
 * stay equal, so similarity survives, but only key holders can compute or test a signature. Cheap
 * enough to run on every live request, unlike an HMAC per bin.
 */
export function keyedMinhash(key: ConsortiumKey, sig: ArrayLike<number>): Uint32Array {
  const salts = minhashSalts(key);
  const out = new Uint32Array(sig.length);
  for (let i = 0; i < sig.length; i++) {
    out[i] = fmix32((sig[i] as number) ^ (salts[i % salts.length] as number));
  }
  return out;
}

export const minhashHex = (sig: ArrayLike<number>): string => Array.from(sig, hex32).join("");

export function minhashFromHex(hex: string): Uint32Array {
  const out = new Uint32Array(hex.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return out;
}
