import { EventEmitter } from "node:events";
import { z } from "zod";
import { INDICATOR_KINDS, type Sanction } from "../core/index.js";

/**
 * Standing sanctions (suspend, cluster ban, allowlist, and their lifting) pushed to every gateway
 * replica as they are decided. The store stays the record and each replica still reloads it on its
 * refresh; the bus only closes the gap, so that a cluster banned by one replica, or an appeal lifted
 * from the CLI, takes effect everywhere within milliseconds instead of at the next refresh.
 */
export interface SanctionBus {
  readonly backend: "memory" | "nats";
  /** Resolves once the bus has the sanction (for NATS, once JetStream acknowledged it). */
  publish(s: Sanction): Promise<void>;
  /**
   * Delivers sanctions published (wall clock) from `sinceMs` on (default: from now), in publication order.
   * Resolves only once everything the bus held since `sinceMs` has been delivered, so a replica that
   * starts late serves no decision without the standing sanctions. Messages that are not valid
   * sanctions are counted in `rejected` and skipped.
   */
  subscribe(onSanction: (s: Sanction) => void, opts?: { sinceMs?: number }): Promise<Subscription>;
  readonly rejected: number;
  close(): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

const MAX_TEXT = 2000;
export const sanctionSchema = z
  .object({
    scope: z.enum(["account", "cluster"]),
    subject: z.string().min(1).max(200),
    action: z.enum(["suspend", "ban", "allowlist"]),
    active: z.boolean(),
    reason: z.string().max(MAX_TEXT),
    ts: z.number().int().nonnegative(),
    actor: z.string().min(1).max(200),
    policyVersion: z.string().max(200).optional(),
    head: z
      .object({ cluster: z.string().min(1).max(200), via: z.enum(INDICATOR_KINDS) })
      .strict()
      .optional(),
  })
  .strict();

/** Decodes one bus message; null when it is not a sanction (never throws). */
export function decodeSanction(data: Uint8Array): Sanction | null {
  if (data.length > 16 * 1024) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data).toString("utf8"));
  } catch {
    return null;
  }
  const parsed = sanctionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function encodeSanction(s: Sanction): Uint8Array {
  return Buffer.from(JSON.stringify(sanctionSchema.parse(s)));
}

/** In-process bus: the embedded default, and what several gateways in one process (tests) share. */
export class MemorySanctionBus implements SanctionBus {
  readonly backend = "memory";
  readonly rejected = 0;
  readonly #events = new EventEmitter();
  readonly #log: Array<{ at: number; s: Sanction }> = [];
  /** Enough history for a late subscriber's `sinceMs`; older sanctions are in the store anyway. */
  static readonly KEEP = 10_000;

  constructor() {
    this.#events.setMaxListeners(0);
  }

  async publish(s: Sanction): Promise<void> {
    const copy = sanctionSchema.parse(s);
    this.#log.push({ at: Date.now(), s: copy });
    if (this.#log.length > MemorySanctionBus.KEEP) this.#log.splice(0, this.#log.length - MemorySanctionBus.KEEP);
    this.#events.emit("sanction", copy);
  }

  async subscribe(onSanction: (s: Sanction) => void, opts: { sinceMs?: number } = {}): Promise<Subscription> {
    if (opts.sinceMs !== undefined) for (const { at, s } of this.#log) if (at >= opts.sinceMs) onSanction(s);
    const listener = (s: Sanction): void => onSanction(s);
    this.#events.on("sanction", listener);
    return { stop: async () => void this.#events.off("sanction", listener) };
  }

  async close(): Promise<void> {
    this.#events.removeAllListeners();
  }
}
