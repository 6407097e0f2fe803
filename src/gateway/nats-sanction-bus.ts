import { createHash } from "node:crypto";
import { connect, DeliverPolicy, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type NatsConnection } from "nats";
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
  /** How long `subscribe` may take to replay what the stream holds since `sinceMs` before it gives up. */
  replayTimeoutMs?: number;
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
  readonly #jsm: JetStreamManager;
  readonly #url: string;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #replayTimeoutMs: number;
  readonly #consumers = new Set<ConsumerMessages>();

  private constructor(url: string, nc: NatsConnection, jsm: JetStreamManager, stream: string, prefix: string, timeoutMs: number, replayTimeoutMs: number) {
    this.#url = url;
    this.#nc = nc;
    this.#js = nc.jetstream({ timeout: timeoutMs });
    this.#jsm = jsm;
    this.#stream = stream;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
    this.#replayTimeoutMs = replayTimeoutMs;
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
    let jsm: JetStreamManager;
    try {
      jsm = await nc.jetstreamManager({ timeout: timeoutMs });
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
    return new NatsSanctionBus(opts.url, nc, jsm, stream, prefix, timeoutMs, opts.replayTimeoutMs ?? 30_000);
  }

  async publish(s: Sanction): Promise<void> {
    const data = encodeSanction(s);
    // The same sanction published twice (a retry, or two replicas deciding the same ban) is stored once.
    const msgID = createHash("sha256").update(data).digest("hex").slice(0, 32);
    await this.#js.publish(`${this.#prefix}.${s.scope}.${s.action}`, data, { msgID, timeout: this.#timeoutMs });
  }

  async subscribe(onSanction: (s: Sanction) => void, opts: { sinceMs?: number } = {}): Promise<Subscription> {
    // Where the replay ends: the stream's last message when we start, if it falls in the window.
    // Until that one is delivered the replica does not know every standing sanction, so a
    // restarted replica would let a suspended account through in the meantime.
    let replayEndSeq = 0;
    if (opts.sinceMs !== undefined) {
      const { state } = await this.#jsm.streams.info(this.#stream);
      if (state.last_seq > 0 && Date.parse(state.last_ts) >= opts.sinceMs) replayEndSeq = state.last_seq;
    }
    // An ordered consumer: ephemeral, in order, recreated by the client after a gap.
    const consumer = await this.#js.consumers.get(
      this.#stream,
      opts.sinceMs !== undefined
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(opts.sinceMs).toISOString() }
        : { deliver_policy: DeliverPolicy.New },
    );
    const messages = await consumer.consume();
    this.#consumers.add(messages);
    let replayed: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => {
      replayed = resolve;
    });
    if (replayEndSeq === 0) replayed();
    void (async () => {
      try {
        for await (const m of messages) {
          const s = decodeSanction(m.data);
          if (s) onSanction(s);
          else this.rejected++;
          if (m.seq >= replayEndSeq) replayed();
        }
      } catch {
        // The consumer failed for good (the connection closed under it): counted, never an
        // unhandled rejection that would take the gateway down; the store refresh still applies.
        this.consumerFailures++;
      }
    })();
    const stop = async (): Promise<void> => {
      this.#consumers.delete(messages);
      await messages.close();
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#replayTimeoutMs);
    });
    const outcome = await Promise.race([caughtUp, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      await stop();
      throw new ServiceError("NATS JetStream", this.#url, new Error(`stream ${this.#stream} not replayed to seq ${replayEndSeq} within ${this.#replayTimeoutMs} ms`));
    }
    return { stop };
  }

  async close(): Promise<void> {
    for (const c of this.#consumers) await c.close();
    this.#consumers.clear();
    await this.#nc.drain();
  }
}
