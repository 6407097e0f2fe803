import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createPublicKey, type KeyObject } from "node:crypto";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ArgumentError } from "../core/index.js";
import { Keyring } from "./keys.js";
import { privateKeyFromPem, publicKeyFromPem, type Signer } from "./signing.js";
import { TLP_LEVELS, type TlpLevel } from "./stix.js";
import type { Peer } from "./taxii-client.js";
import type { TaxiiCollection, TaxiiMember } from "./taxii-server.js";

const identityId = z.string().regex(/^identity--[0-9a-f-]{36}$/, "must be identity--<uuid>");
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a UUID");

const configSchema = z.strictObject({
  identity: z.strictObject({ id: identityId, name: z.string().min(1).max(256) }),
  signing_key_file: z.string().min(1),
  key_id: z.string().min(1).max(64),
  consortium_keys: z.array(z.strictObject({ id: z.string().min(1).max(64), secret_file: z.string().min(1) })).min(1),
  current_key: z.string().min(1).max(64).optional(),
  tlp: z.enum(TLP_LEVELS).default("amber"),
  collection: z.strictObject({ id: uuid, title: z.string().min(1).max(256), description: z.string().max(2000).optional() }),
  members: z.array(z.strictObject({ name: z.string().min(1).max(128), token_sha256: z.string().regex(/^[0-9a-f]{64}$/), read: z.boolean().default(true), write: z.boolean().default(false) })).default([]),
  peers: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(128),
        api_root: z.url(),
        collection: uuid,
        token_env: z.string().min(1).max(128),
        identity: identityId,
        public_key_file: z.string().min(1),
        push: z.boolean().default(false),
      }),
    )
    .default([]),
  sync_every_seconds: z.number().int().min(10).max(86_400).default(300),
  min_template_accounts: z.number().int().min(2).max(1000).default(3),
});

/** One provider's place in the consortium: who it is, its keys, its collection, members and peers. */
export interface IntelNodeConfig {
  identity: { id: string; name: string };
  signer: Signer;
  keyring: Keyring;
  tlp: TlpLevel;
  collection: TaxiiCollection;
  members: TaxiiMember[];
  peers: Peer[];
  /** Every member identity we accept signed objects from (peers' pinned keys, and our own). */
  pinned: Map<string, KeyObject>;
  syncEveryMs: number;
  minTemplateAccounts: number;
}

/** Reads the YAML config; relative key paths are relative to the file; peer tokens come from the environment. */
export function loadIntelConfig(path: string, env: NodeJS.ProcessEnv = process.env): IntelNodeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ArgumentError(`intel config ${path}: cannot be read`, { path });
  }
  const parsed = configSchema.safeParse(parseDocument(text).toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArgumentError(`intel config ${path}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`, { path });
  }
  const c = parsed.data;
  const base = dirname(resolve(path));
  const read = (f: string): string => {
    try {
      return readFileSync(resolve(base, f), "utf8");
    } catch {
      throw new ArgumentError(`intel config ${path}: cannot read ${f}`, { path, file: f });
    }
  };
  const secret = (f: string): Buffer => {
    const t = read(f).trim();
    return /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  };
  const privateKey = privateKeyFromPem(read(c.signing_key_file));
  const pinned = new Map<string, KeyObject>([[c.identity.id, createPublicKey(privateKey)]]);
  const peers: Peer[] = c.peers.map((p) => {
    const token = env[p.token_env];
    if (!token) throw new ArgumentError(`intel config ${path}: peer ${p.name} needs its token in $${p.token_env}`, { path });
    const key = publicKeyFromPem(read(p.public_key_file));
    pinned.set(p.identity, key);
    return { name: p.name, apiRoot: p.api_root, collection: p.collection, token, pinned: new Map([[p.identity, key]]), push: p.push };
  });
  return {
    identity: c.identity,
    signer: { identityId: c.identity.id, keyId: c.key_id, privateKey },
    keyring: new Keyring(c.consortium_keys.map((k) => ({ id: k.id, secret: secret(k.secret_file) })), c.current_key),
    tlp: c.tlp,
    collection: c.collection,
    members: c.members.map((m) => ({ name: m.name, tokenSha256: m.token_sha256, read: m.read ? [c.collection.id] : [], write: m.write ? [c.collection.id] : [] })),
    peers,
    pinned,
    syncEveryMs: c.sync_every_seconds * 1000,
    minTemplateAccounts: c.min_template_accounts,
  };
}
