import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { pino } from "pino";
import { z } from "zod";
import { ArgumentError } from "../core/index.js";
import { loadDefaultModel } from "../detect/index.js";
import { createGateway, DailyCaptureFiles, DEFAULT_MAX_BODY_BYTES, GATEWAY_NODE_FLAGS, listen, MemoryState, NatsSanctionBus, RedisState, resolveAppeal, setAllowlisted, sha256Hex, type GatewayState } from "../gateway/index.js";
import type { Sanction } from "../core/index.js";
import { IntelNode, loadIntelConfig } from "../intel/index.js";
import { openStore, DEFAULT_DB_PATH } from "../store/index.js";
import { action, out, relaunched } from "./commands.js";

const keyLine = z.union([
  z.strictObject({ key_sha256: z.string().regex(/^[0-9a-f]{64}$/), account: z.string().min(1).max(512) }),
  z.strictObject({ key: z.string().min(1).max(1024), account: z.string().min(1).max(512) }),
]);

/** Key file: JSON Lines of {key_sha256, account} (or {key, account}, hashed on load and never kept). */
export function readKeyAccounts(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ArgumentError(`--keys ${path}: cannot be read`, { path });
  }
  const map = new Map<string, string>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ArgumentError(`--keys ${path} line ${i + 1}: not JSON`, { path, line: i + 1 });
    }
    const parsed = keyLine.safeParse(value);
    if (!parsed.success) throw new ArgumentError(`--keys ${path} line ${i + 1}: expected {"key_sha256": "<64 hex>", "account": "..."}`, { path, line: i + 1 });
    const d = "key_sha256" in parsed.data ? parsed.data.key_sha256 : sha256Hex(parsed.data.key);
    map.set(d, parsed.data.account);
  });
  return map;
}

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`${name} must be a non-negative integer, got ${v}`);
  return n;
};

interface ServeOpts {
  port: number;
  host: string;
  upstream?: string;
  policy?: string;
  db: string;
  redis?: string;
  accountHeader: string;
  keys?: string;
  trustedHops: number;
  maxBody: number;
  upstreamTimeout: number;
  intel?: string;
  nats?: string;
  capture?: string;
}

/** Announces sanctions changed outside a gateway (appeals, allowlist) to the replicas listening on NATS. */
async function announce(natsUrl: string | undefined, sanctions: Sanction[]): Promise<void> {
  if (!natsUrl || sanctions.length === 0) return;
  const bus = await NatsSanctionBus.connect({ url: natsUrl });
  try {
    for (const s of sanctions) await bus.publish(s);
  } finally {
    await bus.close();
  }
}

export function registerGatewayCommands(program: Command): void {
  program
    .command("serve")
    .description("run the gateway: reverse proxy, decision API, appeals, audit export, /healthz, /metrics")
    .option("--port <n>", "port to listen on", int("--port"), 8080)
    .option("--host <addr>", "address to bind", "127.0.0.1")
    .option("--upstream <url>", "API to forward proxied requests to")
    .option("--policy <file>", "policy YAML (hot-reloaded); the built-in default when absent")
    .option("--db <path>", "store: SQLite path or postgres:// URL", DEFAULT_DB_PATH)
    .option("--redis <url>", "share state with other replicas through Redis")
    .option("--account-header <name>", "header naming the account", "x-hydra-account")
    .option("--keys <file>", "JSON Lines {key_sha256, account}: accounts by API key")
    .option("--trusted-hops <n>", "proxies in front that append X-Forwarded-For", int("--trusted-hops"), 0)
    .option("--max-body <bytes>", "largest request body accepted", int("--max-body"), DEFAULT_MAX_BODY_BYTES)
    .option("--upstream-timeout <ms>", "whole-call upstream timeout", int("--upstream-timeout"), 600_000)
    .option("--intel <file>", "intel config (YAML): serve TAXII at /taxii2, sync peers, match requests against shared indicators")
    .option("--nats <url>", "announce and hear standing sanctions on NATS JetStream (nats://host:4222), so replicas apply them at once")
    .option("--capture <dir>", "write every proxied request decided, refused ones included, to DIR/exchanges-YYYY-MM-DD.jsonl (the exchange-log format `hunt` reads)")
    .action(
      action(program, async (o: ServeOpts) => {
        if (await relaunched(GATEWAY_NODE_FLAGS)) return;
        const logger = pino({ name: "hydrasentry" }, pino.destination(2));
        // Closed in reverse on the way out, also when start-up fails half way (a policy file with
        // errors): the store's helper threads and a Redis or NATS connection would keep the process alive.
        const opened: Array<() => unknown> = [];
        try {
          const store = await openStore(o.db, { servesRequests: true });
          opened.push(() => store.close());
          const state: GatewayState = o.redis ? await new RedisState({ url: o.redis }).connect() : new MemoryState();
          opened.push(() => state.close());
          const intel = o.intel ? new IntelNode(loadIntelConfig(o.intel), store) : null;
          await intel?.start();
          opened.push(() => intel?.stop());
          const sanctionBus = o.nats ? await NatsSanctionBus.connect({ url: o.nats }) : undefined;
          opened.push(() => sanctionBus?.close());
          const capture = o.capture ? new DailyCaptureFiles({ dir: o.capture, onError: (err) => logger.error({ err: err.message }, "capture write failed") }) : undefined;
          opened.push(() => capture?.close());
          const gateway = await createGateway({
            store,
            state,
            model: loadDefaultModel(),
            policyPath: o.policy,
            upstream: o.upstream,
            upstreamTimeoutMs: o.upstreamTimeout,
            accountHeader: o.accountHeader,
            keyAccounts: o.keys ? readKeyAccounts(o.keys) : undefined,
            trustedHops: o.trustedHops,
            maxBodyBytes: o.maxBody,
            adminToken: process.env.HYDRASENTRY_ADMIN_TOKEN,
            secret: process.env.HYDRASENTRY_GATEWAY_SECRET,
            log: (line) => logger.info(line),
            intel: intel?.watchlist,
            extend: intel ? (app) => intel.mount(app) : undefined,
            sanctionBus,
            capture,
          });
          opened.push(() => gateway.close());
          const server = await listen(gateway.app, o.port, { host: o.host });
          opened.push(() => server.close());
          logger.info({ port: server.port, upstream: o.upstream ?? null, policy: gateway.policy.current.version, state: state.backend, store: store.backend }, "serving");
          out(program, `hydrasentry gateway on http://${o.host}:${server.port} (policy ${gateway.policy.current.version}, state ${state.backend})`, {
            port: server.port,
          });
          await new Promise<void>((resolve) => {
            const stop = (): void => resolve();
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
          });
        } finally {
          for (const close of opened.reverse()) await close();
        }
      }),
    );

  const appeals = program.command("appeals").description("list and resolve appeals against gateway decisions");
  appeals
    .command("list")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .option("--status <status>", "open | lifted | upheld", "open")
    .action(
      action(program, async (o: { db: string; status: string }) => {
        const status = z.enum(["open", "lifted", "upheld"]).safeParse(o.status);
        if (!status.success) throw new ArgumentError(`--status must be open, lifted or upheld, got ${o.status}`);
        const store = await openStore(o.db);
        try {
          const rows = await store.listAppeals({ status: status.data });
          const human = rows.length
            ? rows.map((a) => `${a.id}  ${new Date(a.ts).toISOString()}  ${a.account}  ${a.status}  ${a.decisionId ?? "-"}  ${a.message.slice(0, 80)}`).join("\n")
            : `no ${status.data} appeals`;
          out(program, human, rows);
        } finally {
          await store.close();
        }
      }),
    );
  appeals
    .command("resolve <id>")
    .requiredOption("--outcome <lift|uphold>", "lift the account's sanctions, or uphold them")
    .option("--allowlist", "also allowlist the account", false)
    .option("--note <text>", "why", "")
    .option("--by <analyst>", "who resolves", process.env.USER ?? "analyst")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .option("--nats <url>", "announce the change to gateways listening on NATS JetStream")
    .action(
      action(program, async (id: string, o: { outcome: string; allowlist: boolean; note: string; by: string; db: string; nats?: string }) => {
        if (o.outcome !== "lift" && o.outcome !== "uphold") throw new ArgumentError(`--outcome must be lift or uphold, got ${o.outcome}`);
        const store = await openStore(o.db);
        try {
          const r = await resolveAppeal(store, { id, outcome: o.outcome, allowlist: o.allowlist, by: o.by, note: o.note });
          await announce(o.nats, [...r.lifted, ...(r.allowlist ? [r.allowlist] : [])]);
          out(program, `appeal ${id}: ${r.appeal.status}; lifted ${r.lifted.map((s) => s.action).join(", ") || "nothing"}${o.allowlist ? "; account allowlisted" : ""}`, r);
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command("allowlist <add|remove> <account>")
    .description("allowlist a vetted account (or remove it); audited")
    .requiredOption("--reason <text>", "why")
    .option("--by <analyst>", "who", process.env.USER ?? "analyst")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .option("--nats <url>", "announce the change to gateways listening on NATS JetStream")
    .action(
      action(program, async (op: string, account: string, o: { reason: string; by: string; db: string; nats?: string }) => {
        if (op !== "add" && op !== "remove") throw new ArgumentError(`allowlist takes add or remove, got ${op}`);
        const store = await openStore(o.db);
        try {
          await announce(o.nats, [await setAllowlisted(store, account, op === "add", o.by, o.reason)]);
          out(program, `${account} ${op === "add" ? "allowlisted" : "removed from the allowlist"}`, { account, allowlisted: op === "add" });
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command("audit")
    .description("export the audit log as JSON Lines")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .option("--after-seq <n>", "only entries after this sequence number", int("--after-seq"), 0)
    .action(
      action(program, async (o: { db: string; afterSeq: number }) => {
        const store = await openStore(o.db);
        try {
          let after = o.afterSeq;
          for (;;) {
            const rows = await store.listAudit({ afterSeq: after, limit: 1000 });
            if (rows.length === 0) break;
            process.stdout.write(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
            after = rows[rows.length - 1]?.seq ?? after;
          }
        } finally {
          await store.close();
        }
      }),
    );
}
