import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { WireApi } from "../core/index.js";

/**
 * What the gateway writes of one request it decided, in the exchange-log format (spec/exchange-log.md),
 * so that `hunt` reads what the gateway saw, refused requests included: a provider whose own log
 * leaves those out (or who has no log pipeline at all) still has the evidence a hunt needs, and the
 * head suspension a later hunt should lift (see hunt/publish.ts) is seen sending again.
 */
export interface CapturedExchange {
  /** The decision's id: unique per request, so re-reading a file counts nothing twice. */
  id: string;
  arrivedAtMs: number;
  account: string;
  apiKeyId?: string;
  api: WireApi;
  /** The body as the client sent it: JSON text the guard parsed as an object. */
  rawBody: string;
  ip?: string;
  userAgent?: string;
  /** The answer's usage, where the upstream reported it. */
  usage: Record<string, unknown> | null;
  /** The answer's id where later requests may continue it (Responses API): a hunt of the capture hands its opening on. */
  answerId?: string | null;
  /** What the client was answered: the upstream's status, or the gateway's own on a refusal or failure. */
  status: number;
  decision: string;
  actions: readonly string[];
  policyVersion: string;
}

/**
 * One exchange-log line. The body goes in as the client wrote it, not parsed and re-serialised: the
 * format wants the request "exactly as the API received it", and re-serialising a large body would
 * cost the request path what the capture is meant not to. A body is JSON the guard parsed, so a line
 * break in it can only be whitespace between tokens (JSON strings cannot hold one raw) and becomes a
 * space, keeping one exchange to a line.
 */
export function captureLine(x: CapturedExchange): string {
  const json = JSON.stringify;
  const client: Record<string, string> = {};
  if (x.ip) client.ip = x.ip;
  if (x.userAgent) client.user_agent = x.userAgent.slice(0, 2048);
  const gateway = { decision: x.decision, actions: x.actions, status: x.status, policy_version: x.policyVersion };
  return (
    `{"id":${json(x.id)},"ts":${json(new Date(x.arrivedAtMs).toISOString())},"account":${json(x.account)},` +
    (x.apiKeyId ? `"api_key":${json(x.apiKeyId)},` : "") +
    `"api":${json(x.api)},"request":${x.rawBody.replace(/\r\n|\r|\n/g, " ")},` +
    (x.usage || x.answerId ? `"response":${json({ ...(x.answerId ? { id: x.answerId } : {}), ...(x.usage ? { usage: x.usage } : {}) })},` : "") +
    `"client":${json(client)},"gateway":${json(gateway)}}\n`
  );
}

export interface CaptureCounts {
  written: number;
  /** Not written because the disk fell behind by more than the bound, or the body was over the size cap. */
  dropped: number;
  errors: number;
}

export interface ExchangeCapture {
  write(x: CapturedExchange): void;
  counts(): CaptureCounts;
  close(): Promise<void>;
}

export interface DailyCaptureOptions {
  dir: string;
  /** Bytes waiting for the disk beyond which lines are dropped (and counted) rather than held: memory stays bounded. */
  maxPendingBytes?: number;
  /** Bodies larger than this are not captured (counted as dropped): inline images and files would fill the disk. */
  maxBodyBytes?: number;
  onError?: (err: Error) => void;
}

export const DEFAULT_CAPTURE_PENDING_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CAPTURE_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Appends to one file per UTC day of arrival (`exchanges-2026-12-07.jsonl`), so a hunt over months
 * names the days it wants. Never blocks or fails a request: a line the disk cannot take in time is
 * dropped and counted, and a write error is counted and reported, not thrown.
 */
export class DailyCaptureFiles implements ExchangeCapture {
  readonly #dir: string;
  readonly #maxPending: number;
  readonly #maxBody: number;
  readonly #onError: (err: Error) => void;
  /**
   * One stream per day still written to. A request that arrived before midnight may finish after one
   * that arrived after it: with a single stream, switching back reopened the earlier day's file while
   * its first stream was still writing, and the two appended in either order (a capture test caught
   * lines of one day out of arrival order).
   */
  readonly #streams = new Map<string, WriteStream>();
  #closing: Array<Promise<void>> = [];
  readonly #counts: CaptureCounts = { written: 0, dropped: 0, errors: 0 };

  constructor(opts: DailyCaptureOptions) {
    this.#dir = opts.dir;
    this.#maxPending = opts.maxPendingBytes ?? DEFAULT_CAPTURE_PENDING_BYTES;
    this.#maxBody = opts.maxBodyBytes ?? DEFAULT_CAPTURE_MAX_BODY_BYTES;
    this.#onError = opts.onError ?? (() => {});
    mkdirSync(this.#dir, { recursive: true });
  }

  write(x: CapturedExchange): void {
    if (x.rawBody.length > this.#maxBody) {
      this.#counts.dropped++;
      return;
    }
    const stream = this.#streamFor(new Date(x.arrivedAtMs).toISOString().slice(0, 10));
    if (stream.writableLength > this.#maxPending) {
      this.#counts.dropped++;
      return;
    }
    stream.write(captureLine(x));
    this.#counts.written++;
  }

  counts(): CaptureCounts {
    return { ...this.#counts };
  }

  async close(): Promise<void> {
    for (const stream of this.#streams.values()) this.#closing.push(ended(stream));
    this.#streams.clear();
    await Promise.all(this.#closing);
  }

  #streamFor(day: string): WriteStream {
    const open = this.#streams.get(day);
    if (open) return open;
    // Days arrive in order but for the requests in flight at midnight: the day before stays open beside
    // the new one, and the oldest is ended when a third opens.
    if (this.#streams.size >= OPEN_DAYS) {
      const oldest = [...this.#streams.keys()].sort()[0] as string;
      this.#closing.push(ended(this.#streams.get(oldest) as WriteStream));
      this.#streams.delete(oldest);
    }
    const stream = createWriteStream(join(this.#dir, `exchanges-${day}.jsonl`), { flags: "a" });
    stream.on("error", (err) => {
      this.#counts.errors++;
      this.#onError(err);
    });
    this.#streams.set(day, stream);
    return stream;
  }
}

/** Days whose capture files are open at once (see DailyCaptureFiles.#streams). */
const OPEN_DAYS = 2;

/** Ends a stream and resolves once its lines are on disk, or it failed (already counted by its error handler). */
function ended(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once("error", () => resolve());
    stream.end(() => resolve());
  });
}
