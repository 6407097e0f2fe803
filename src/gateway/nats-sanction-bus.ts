import { createHash } from "node:crypto";
import { connect, DeliverPolicy, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type NatsConnection } from "nats";
import { ServiceError, type Sanction } from "../core/index.js";
import { decodeSanction, encodeSanction, type SanctionBus, type Subscription } from "./sanction-bus.js";

export interface NatsSanctionBusOptions {
  /** nats://host:port */
  url: string;
  /** JetStream stream holding sanctions; created if missing. */
  stream?: string;
  /** Subject prefix; sanctions go to `<prefix>.<scope>.<action>`. */
  subjectPrefix?: string;
  /** How long the stream keeps sanctions (replay window for a replica that restarts). */
  maxAgeMs?: number;
  /** Connection and request timeout. */
  timeoutMs?: number;
}

const DAY = 86_400_000;

/**
 * Sanctions on a NATS JetStream stream: durable, so a replica that starts or reconnects replays what
 * it missed (from `sinceMs`), and de-duplicated by message id, so a publisher's retry is stored once.
 */
export class NatsSanctionBus implements SanctionBus {
  readonly backend = "nats";
  rejected = 0;
  /** Subscriptions whose consumer ended in an error. */
  consumerFailures = 0;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #consumers = new Set<ConsumerMessages>();

  private constructor(nc: NatsConnection, stream: string, prefix: string, timeoutMs: number) {
    this.#nc = nc;
    this.#js = nc.jetstream({ timeout: timeoutMs });
    this.#stream = stream;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  static async connect(opts: NatsSanctionBusOptions): Promise<NatsSanctionBus> {
    const timeoutMs = opts.timeoutMs ?? 2000;
    let nc: NatsConnection;
    try {
      const url = new URL(opts.url);
      nc = await connect({ servers: `${url.hostname}:${url.port || "4222"}`, timeout: timeoutMs, name: "hydrasentry-gateway", reconnect: true, maxReconnectAttempts: -1 });
    } catch (err) {
      throw new ServiceError("NATS", opts.url, err);
    }
    const stream = opts.stream ?? "HYDRASENTRY_SANCTIONS";
    const prefix = opts.subjectPrefix ?? "hydrasentry.sanctions";
    try {
      const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
      const config = {
        name: stream,
        subjects: [`${prefix}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: (opts.maxAgeMs ?? 30 * DAY) * 1_000_000, // nanoseconds
        max_msg_size: 16 * 1024,
        duplicate_window: 120_000 * 1_000_000,
      };
      try {
        await jsm.streams.info(stream);
        await jsm.streams.update(stream, config);
      } catch {
        await jsm.streams.add(config);
      }
    } catch (err) {
      await nc.close();
      throw new ServiceError("NATS JetStream", opts.url, err);
    }
    return new NatsSanctionBus(nc, stream, prefix, timeoutMs);
  }

  async publish(s: Sanction): Promise<void> {
    const data = encodeSanction(s);
    // The same sanction published twice (a retry, or two replicas deciding the same ban) is stored once.
    const msgID = createHash("sha256").update(data).digest("hex").slice(0, 32);
    await this.#js.publish(`${this.#prefix}.${s.scope}.${s.action}`, data, { msgID, timeout: this.#timeoutMs });
  }

  async subscribe(onSanction: (s: Sanction) => void, opts: { sinceMs?: number } = {}): Promise<Subscription> {
    // An ordered consumer: ephemeral, in order, recreated by the client after a gap.
    const consumer = await this.#js.consumers.get(
      this.#stream,
      opts.sinceMs !== undefined
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(opts.sinceMs).toISOString() }
        : { deliver_policy: DeliverPolicy.New },
    );
    const messages = await consumer.consume();
    this.#consumers.add(messages);
    void (async () => {
      try {
        for await (const m of messages) {
          const s = decodeSanction(m.data);
          if (s) onSanction(s);
          else this.rejected++;
        }
      } catch {
        // The consumer failed for good (the connection closed under it): counted, never an
        // unhandled rejection that would take the gateway down; the store refresh still applies.
        this.consumerFailures++;
      }
    })();
    return {
      stop: async () => {
        this.#consumers.delete(messages);
        await messages.close();
      },
    };
  }

  async close(): Promise<void> {
    for (const c of this.#consumers) await c.close();
    this.#consumers.clear();
    await this.#nc.drain();
  }
}
