import { Ajv } from "ajv";
import { z } from "zod";
import { WIRE_APIS } from "../core/index.js";

// RFC 3339 date-time; Date.parse alone accepts too much ("Feb 3 2026"). One without an offset is read
// as UTC (logTimeMs): logs written from naive UTC datetimes (Python's isoformat()) are common, and
// quarantining every line of such a log would lose all of it over a convention no one doubts.
const DATE_TIME = "\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:[Zz]|[+-]\\d{2}:\\d{2})?";
const rfc3339 = z.string().regex(new RegExp(`^${DATE_TIME}$`), "must be an RFC 3339 date-time");
// An account's creation may be given as a day (RFC 3339's full-date): midnight UTC.
const rfc3339OrDate = z.string().regex(new RegExp(`^\\d{4}-\\d{2}-\\d{2}$|^${DATE_TIME}$`), "must be an RFC 3339 date-time or full date");

export const clientSchema = z.looseObject({
  ip: z.string().max(64).optional(),
  asn: z.number().int().nonnegative().optional(),
  country: z.string().max(8).optional(),
  user_agent: z.string().max(2048).optional(),
  tls_fp: z.string().max(512).optional(),
  proxy: z.boolean().optional(),
});

export const accountMetaSchema = z.looseObject({
  created_at: rfc3339OrDate.optional(),
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

/**
 * The envelope check on the hot paths (every log line, every decision): ajv's compiled validator for
 * the JSON Schema zod derives from `envelopeSchema`, so zod stays the one definition. zod's safeParse
 * copies every object it accepts and cost about 3 µs per log line against ajv's 0.5–1 µs; a value the
 * fast check rejects is parsed again by zod, whose first issue is the reason given.
 */
const envelopeFastCheck = new Ajv({ strict: false, allErrors: false }).compile(
  z.toJSONSchema(envelopeSchema, { io: "input", target: "draft-7" }),
);

export type EnvelopeVerdict = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/** A parsed JSON value as an exchange-log envelope, or the reason it is not one. Accepts exactly what `envelopeSchema` accepts. */
export function validateEnvelope(value: unknown): EnvelopeVerdict {
  if (envelopeFastCheck(value)) return { ok: true, envelope: value as Envelope };
  const env = envelopeSchema.safeParse(value);
  // The two agree (a test holds them to it); were they ever not to, zod is the definition.
  return env.success ? { ok: true, envelope: env.data } : { ok: false, reason: describeIssue(env.error) };
}

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
