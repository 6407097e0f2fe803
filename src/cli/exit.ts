import { HydraError, type ErrorCode } from "../core/index.js";

/** The one place error codes become exit statuses and messages. */
const EXIT_CODES: Record<ErrorCode, number> = {
  INPUT_NOT_FOUND: 2,
  INPUT_UNREADABLE: 2,
  INVALID_ARGUMENT: 2,
  CORPUS_MISSING: 2,
  SCENARIO_UNKNOWN: 2,
  MODEL_MISSING: 3,
  STORE_FAILURE: 4,
  POLICY_INVALID: 2,
  SERVICE_UNREACHABLE: 5,
  WORKER_FAILED: 1,
  OUT_OF_MEMORY: 6,
};

/** A command line commander could not parse: bad arguments, like INVALID_ARGUMENT. */
export const USAGE_EXIT_CODE = EXIT_CODES.INVALID_ARGUMENT;

export function reportFailure(err: unknown, json: boolean): number {
  if (err instanceof HydraError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, ...err.context } })}\n`);
    process.stderr.write(`hydrasentry: ${err.message} [${err.code}]\n`);
    return EXIT_CODES[err.code];
  }
  process.stderr.write(`hydrasentry: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
