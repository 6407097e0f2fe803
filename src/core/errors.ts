/**
 * Every failure the project reports to a person or a process is one of these, with a stable `code`.
 * The CLI maps codes to exit status in one place (cli/exit.ts).
 */
export type ErrorCode =
  | "INPUT_NOT_FOUND"
  | "INPUT_UNREADABLE"
  | "INVALID_ARGUMENT"
  | "STORE_FAILURE"
  | "MODEL_MISSING"
  | "SCENARIO_UNKNOWN"
  | "CORPUS_MISSING"
  | "POLICY_INVALID"
  | "SERVICE_UNREACHABLE"
  | "WORKER_FAILED"
  | "OUT_OF_MEMORY";

export class HydraError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

export class InputError extends HydraError {
  constructor(code: "INPUT_NOT_FOUND" | "INPUT_UNREADABLE", path: string, cause?: unknown) {
    const why = code === "INPUT_NOT_FOUND" ? "no such file" : "cannot be read";
    super(code, `input ${path}: ${why}${cause instanceof Error ? ` (${cause.message})` : ""}`, { path }, { cause });
  }
}

export class ArgumentError extends HydraError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("INVALID_ARGUMENT", message, context);
  }
}

export class StoreError extends HydraError {
  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super("STORE_FAILURE", message, context, { cause });
  }
}

/** A server the configuration names (Redis, NATS) could not be reached or refused what was asked. */
export class ServiceError extends HydraError {
  constructor(service: string, url: string, cause: unknown) {
    const where = withoutPassword(url);
    super("SERVICE_UNREACHABLE", `${service} at ${where}: ${cause instanceof Error ? cause.message : String(cause)}`, { service, url: where }, { cause });
  }
}

/**
 * A service address fit for a message or a log: `redis://:secret@host` and `postgres://u:secret@host`
 * keep their user and host but not the password. Anything that is not a URL (a file path) as it is.
 */
export function withoutPassword(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  if (url.password === "") return location;
  url.password = "***";
  return url.toString();
}

/** A policy file that cannot be used; `problems` say where and how to fix each one. */
export class PolicyError extends HydraError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super("POLICY_INVALID", `policy ${source} is invalid:\n  - ${problems.join("\n  - ")}`, { source, problems });
    this.problems = problems;
  }
}

/** A hunt whose state no longer fits its heap: stopped before V8 aborts the process. */
export class HuntMemoryError extends HydraError {
  constructor(message: string, context: Record<string, unknown>) {
    super("OUT_OF_MEMORY", message, context);
  }
}

/** A worker thread died mid-run: the batches it held are lost, so the run stops rather than report on part of its input. */
export class WorkerError extends HydraError {
  constructor(worker: string, cause: unknown) {
    super("WORKER_FAILED", `${worker} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { worker }, { cause });
  }
}
