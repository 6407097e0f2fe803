import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ClusterVerdict } from "../../core/index.js";
import { Keyring } from "../keys.js";
import { generateSigningKeys, privateKeyFromPem, publicKeyFromPem, type Signer } from "../signing.js";
import { stixId } from "../stix.js";

export const SCHEMA_ROOT = resolve(process.env.HYDRASENTRY_STIX_SCHEMAS ?? join(import.meta.dirname, "../../../../shared/stix2-json-schemas"));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith(".json") ? [p] : [];
  });
}

const BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

/** The official STIX 2.1 schemas in ajv, as the shared README prescribes. */
export function stixValidator(): { validate(kind: string, value: unknown): string | null } {
  const ajv = new Ajv2020({ strict: false, allErrors: false, unicodeRegExp: false, logger: false });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  for (const f of filesUnder(join(SCHEMA_ROOT, "schemas"))) ajv.addSchema(JSON.parse(readFileSync(f, "utf8")) as object);
  return {
    validate(kind, value) {
      const fn = ajv.getSchema(`${BASE}${kind}.json`);
      if (!fn) return `no schema ${kind}`;
      return fn(value) ? null : JSON.stringify(fn.errors?.slice(0, 3));
    },
  };
}

export function schemaFor(type: string): string {
  if (type === "relationship" || type === "sighting") return `sros/${type}`;
  if (type === "marking-definition" || type === "extension-definition" || type === "language-content") return `common/${type}`;
  if (["ipv4-addr", "ipv6-addr", "autonomous-system"].includes(type)) return `observables/${type}`;
  if (type.startsWith("x-")) return "common/cyber-observable-core";
  return `sdos/${type}`;
}

export interface Member {
  identity: { id: string; name: string };
  signer: Signer;
  publicKey: ReturnType<typeof publicKeyFromPem>;
}

export function makeMember(name: string): Member {
  const keys = generateSigningKeys();
  const identity = { id: stixId("identity", "test-member", name), name };
  return { identity, signer: { identityId: identity.id, keyId: `${name}-2026`, privateKey: privateKeyFromPem(keys.privatePem) }, publicKey: publicKeyFromPem(keys.publicPem) };
}

export const consortiumKeyring = (): Keyring => new Keyring([{ id: "k2026q4", secret: Buffer.alloc(32, 7) }]);

/** A flagged cluster as the hunt reports it, with the raw identifiers that must never leave. */
export function sampleCluster(): ClusterVerdict {
  return {
    id: "cl_1",
    accounts: ["acct_9f1", "acct_9f2", "acct_9f3", "acct_9f4"],
    exchanges: 5120,
    score: 0.97,
    flagged: true,
    firstSeen: Date.UTC(2026, 1, 3),
    lastSeen: Date.UTC(2026, 3, 9),
    firstFlaggedAt: Date.UTC(2026, 1, 5),
    domains: { reasoning: 0.5, coding: 0.3, chat: 0.2 },
    links: [{ kind: "payment_fp", value: "pf_9a1c", accounts: 4 }],
    reasons: ["shared card"],
    infrastructure: { countries: 9, asns: 14, slash24s: 60, userAgents: ["python-httpx/0.27.0"] },
    indicators: [
      { kind: "payment_fp", value: "pf_9a1c", accounts: 4 },
      { kind: "email_hash", value: "e7d81f", accounts: 2 },
      { kind: "phone_hash", value: "+15550100", accounts: 2 },
      { kind: "template", value: "a3f09c11", accounts: 4, minhash: Array.from({ length: 32 }, (_, i) => (i * 7919 + 13) % 65536) },
      { kind: "template", value: "rare-template", accounts: 2 },
      { kind: "tool_schema", value: "ts_44b1", accounts: 3 },
      { kind: "slash24", value: "203.0.113", accounts: 3 },
      { kind: "slash24", value: "2001:db8:1", accounts: 2 },
      { kind: "asn", value: "64500", accounts: 4 },
      { kind: "tls_fp", value: "t13d1516h2_8daaf6152771", accounts: 4 },
      { kind: "user_agent", value: "python-httpx/0.27.0", accounts: 4 },
    ],
  };
}
