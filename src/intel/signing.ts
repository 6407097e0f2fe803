import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson } from "../core/index.js";
import { SIGNATURE_EXTENSION_ID } from "./stix.js";

export type StixObject = Record<string, unknown> & { type: string; id: string };

export interface Signer {
  /** The STIX identity the key speaks for. */
  identityId: string;
  keyId: string;
  privateKey: KeyObject;
}

export function generateSigningKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);
export const publicKeyFromPem = (pem: string): KeyObject => createPublicKey(pem);

function withoutSignature(obj: StixObject): StixObject {
  const ext = obj.extensions;
  if (typeof ext !== "object" || ext === null || !(SIGNATURE_EXTENSION_ID in ext)) return obj;
  const rest = { ...(ext as Record<string, unknown>) };
  delete rest[SIGNATURE_EXTENSION_ID];
  const copy: StixObject = { ...obj };
  if (Object.keys(rest).length > 0) copy.extensions = rest;
  else delete copy.extensions;
  return copy;
}

/**
 * Signs one object: Ed25519 over its RFC 8785 canonical JSON without the signature, carried in a
 * property extension so the object stays valid STIX and survives TAXII transport one by one.
 */
export function signObject(obj: StixObject, signer: Signer): StixObject {
  const bare = withoutSignature(obj);
  const signature = sign(null, Buffer.from(canonicalJson(bare)), signer.privateKey).toString("base64url");
  const extensions = { ...((bare.extensions as Record<string, unknown> | undefined) ?? {}) };
  extensions[SIGNATURE_EXTENSION_ID] = { extension_type: "property-extension", alg: "Ed25519", canonicalization: "RFC8785", signer: signer.identityId, key_id: signer.keyId, signature };
  return { ...bare, extensions };
}

export type Verification = { ok: true; signer: string } | { ok: false; reason: string };

/** Checks an object's signature against the key pinned for the identity it claims; unsigned is a failure. */
export function verifyObject(obj: StixObject, pinned: ReadonlyMap<string, KeyObject>): Verification {
  const ext = (obj.extensions as Record<string, unknown> | undefined)?.[SIGNATURE_EXTENSION_ID] as Record<string, unknown> | undefined;
  if (!ext) return { ok: false, reason: "unsigned" };
  const signer = typeof ext.signer === "string" ? ext.signer : "";
  const signature = typeof ext.signature === "string" ? ext.signature : "";
  if (ext.alg !== "Ed25519") return { ok: false, reason: `unsupported signature algorithm ${String(ext.alg)}` };
  const key = pinned.get(signer);
  if (!key) return { ok: false, reason: `no pinned key for signer ${signer || "(none)"}` };
  if ("created_by_ref" in obj && obj.created_by_ref !== signer) return { ok: false, reason: `signed by ${signer} but created_by_ref is ${String(obj.created_by_ref)}` };
  let good: boolean;
  try {
    good = verify(null, Buffer.from(canonicalJson(withoutSignature(obj))), key, Buffer.from(signature, "base64url"));
  } catch {
    good = false;
  }
  return good ? { ok: true, signer } : { ok: false, reason: "bad signature" };
}
