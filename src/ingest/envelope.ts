import { z } from "zod";
import { WIRE_APIS } from "../core/index.js";

// RFC 3339 date-time with a mandatory offset; Date.parse alone accepts too much ("2026-02-03").
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const rfc3339 = z.string().regex(RFC3339, "must be an RFC 3339 date-time with offset");

export const clientSchema = z.looseObject({
  ip: z.string().max(64).optional(),
  asn: z.number().int().nonnegative().optional(),
  country: z.string().max(8).optional(),
  user_agent: z.string().max(2048).optional(),
  tls_fp: z.string().max(512).optional(),
  proxy: z.boolean().optional(),
});

export const accountMetaSchema = z.looseObject({
  created_at: rfc3339.optional(),
  email_hash: z.string().max(512).optional(),
  payment_fp: z.string().max(512).optional(),
  phone_hash: z.string().max(512).optional(),
  org: z.string().max(512).optional(),
  tier: z.string().max(128).optional(),
  verified: z.boolean().optional(),
  program: z.string().max(128).optional(),
});

/** Exchange-log envelope (shared/spec/exchange-log.md). Unknown fields are kept and ignored. */
export const envelopeSchema = z.looseObject({
  id: z.string().min(1).max(512),
  ts: rfc3339,
  account: z.string().min(1).max(512),
  api_key: z.string().max(512).optional(),
  api: z.enum(WIRE_APIS),
  request: z.looseObject({}),
  response: z.looseObject({}).optional(),
  client: clientSchema.optional(),
  account_meta: accountMetaSchema.optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** A line of the optional accounts table: `{"account": "...", ...account_meta fields}`. */
export const accountLineSchema = accountMetaSchema.extend({ account: z.string().min(1).max(512) });
export type AccountLine = z.infer<typeof accountLineSchema>;

/** One short reason from a zod error, naming the field: what an analyst reads in quarantine.jsonl. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return `missing required field ${path}`;
  return `${path}: ${issue.message}`;
}
