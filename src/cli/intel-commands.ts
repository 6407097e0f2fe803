import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ArgumentError, type ClusterVerdict } from "../core/index.js";
import {
  exportClusters,
  generateSigningKeys,
  liftContest,
  listContests,
  loadIntelConfig,
  makeOpinion,
  publish,
  pullFromPeer,
  pushToPeer,
  sharedDefinitions,
  stixId,
  type IntelNodeConfig,
  type StixObject,
} from "../intel/index.js";
import { openStore, DEFAULT_DB_PATH, type Store } from "../store/index.js";
import { readReportClusters } from "../report/index.js";
import { action, out } from "./commands.js";

async function withStore<T>(db: string, body: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

function bundleFor(cfg: IntelNodeConfig, clusters: ClusterVerdict[]): ReturnType<typeof exportClusters> {
  return exportClusters(clusters, { identity: cfg.identity, keyring: cfg.keyring, signer: cfg.signer, tlp: cfg.tlp, now: Date.now(), minTemplateAccounts: cfg.minTemplateAccounts });
}

export function registerIntelCommands(program: Command): void {
  const intel = program.command("intel").description("share threat intel with other providers: STIX 2.1 over TAXII 2.1, keyed hashes, signed");

  intel
    .command("keygen")
    .description("create this provider's Ed25519 signing keys, an identity id, and (with --consortium) a consortium HMAC key")
    .requiredOption("--out <dir>", "directory to write keys to")
    .requiredOption("--name <name>", "provider name")
    .option("--consortium", "also create a 32-byte consortium key (share it with members out of band)", false)
    .action(
      action(program, async (o: { out: string; name: string; consortium: boolean }) => {
        mkdirSync(o.out, { recursive: true });
        const keys = generateSigningKeys();
        writeFileSync(join(o.out, "signing.pem"), keys.privatePem, { mode: 0o600 });
        writeFileSync(join(o.out, "signing.pub.pem"), keys.publicPem);
        if (o.consortium) writeFileSync(join(o.out, "consortium.key"), randomBytes(32).toString("hex"), { mode: 0o600 });
        const identity = stixId("identity", o.name, randomUUID());
        out(program, `keys in ${o.out}; identity ${identity}; collection id suggestion ${randomUUID()}`, { identity, dir: o.out });
      }),
    );

  intel
    .command("export")
    .description("flagged clusters → signed STIX 2.1 bundle")
    .requiredOption("--config <file>", "intel config (YAML)")
    .option("--report <file>", "hunt report.json to export (default: the store's latest hunt)")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .requiredOption("--out <file>", "bundle to write")
    .action(
      action(program, async (o: { config: string; report?: string; db: string; out: string }) => {
        const cfg = loadIntelConfig(o.config);
        const clusters = o.report ? await readReportClusters(o.report) : await withStore(o.db, (s) => s.listClusters());
        const bundle = bundleFor(cfg, clusters);
        writeFileSync(o.out, `${JSON.stringify(bundle, null, 2)}\n`);
        out(program, `${bundle.objects.length} STIX objects from ${clusters.filter((c) => c.flagged).length} flagged clusters → ${o.out}`, { objects: bundle.objects.length, out: o.out });
      }),
    );

  intel
    .command("publish")
    .description("export the latest hunt (or --report) into this provider's TAXII collection, audited")
    .requiredOption("--config <file>", "intel config (YAML)")
    .option("--report <file>", "hunt report.json (default: the store's latest hunt)")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .action(
      action(program, async (o: { config: string; report?: string; db: string }) => {
        const cfg = loadIntelConfig(o.config);
        await withStore(o.db, async (store) => {
          const clusters = o.report ? await readReportClusters(o.report) : await store.listClusters();
          const bundle = bundleFor(cfg, clusters);
          const fresh = await publish(store, cfg.collection.id, [...(sharedDefinitions() as StixObject[]), ...bundle.objects], cfg.identity.name);
          out(program, `published ${fresh} new objects to collection ${cfg.collection.id}`, { published: fresh });
        });
      }),
    );

  intel
    .command("sync")
    .description("pull from every configured peer (and push where allowed); resumes from the last sync")
    .requiredOption("--config <file>", "intel config (YAML)")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .option("--every <seconds>", "keep syncing on this schedule until stopped (default: once)")
    .action(
      action(program, async (o: { config: string; db: string; every?: string }) => {
        const cfg = loadIntelConfig(o.config);
        const every = o.every === undefined ? null : Number(o.every);
        if (every !== null && !(Number.isFinite(every) && every >= 10)) throw new ArgumentError(`--every must be at least 10 seconds, got ${o.every}`);
        await withStore(o.db, async (store) => {
          let stopped = false;
          const stop = (): void => {
            stopped = true;
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
          do {
            const lines: string[] = [];
            const results: Record<string, unknown> = {};
            for (const peer of cfg.peers) {
              try {
                const pulled = await pullFromPeer(store, peer);
                const pushed = peer.push ? await pushToPeer(store, peer, cfg.collection.id) : null;
                results[peer.name] = { accepted: pulled.accepted.length, rejected: pulled.rejected.length, pushed: pushed?.sent ?? 0 };
                lines.push(`${peer.name}: ${pulled.accepted.length} new, ${pulled.duplicates} already held, ${pulled.rejected.length} rejected${pushed ? `, pushed ${pushed.sent}` : ""}`);
              } catch (err) {
                // One unreachable peer does not stop the others; the next round retries it from its cursor.
                if (every === null) throw err;
                results[peer.name] = { error: err instanceof Error ? err.message : String(err) };
                lines.push(`${peer.name}: ${err instanceof Error ? err.message : String(err)}`);
              }
            }
            out(program, lines.join("\n") || "no peers configured", results);
            for (let waited = 0; every !== null && !stopped && waited < every * 1000; waited += 500) await new Promise((r) => setTimeout(r, 500));
          } while (every !== null && !stopped);
        });
      }),
    );

  const contests = intel.command("contests").description("indicators our vetted accounts contested (cut to a quarter of their confidence): list them, or lift one");
  contests
    .command("list")
    .option("--state <state>", "contested | lifted | all", "contested")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .action(
      action(program, async (o: { state: string; db: string }) => {
        const states = ["contested", "lifted", "all"] as const;
        const state = states.find((v) => v === o.state);
        if (!state) throw new ArgumentError(`--state must be one of ${states.join(", ")}, got ${o.state}`);
        await withStore(o.db, async (store) => {
          const rows = (await listContests(store)).filter((c) => state === "all" || c.state === state);
          const human = rows.length
            ? rows
                .map((c) => {
                  const why = c.state === "lifted" ? `lifted by ${c.by ?? "?"}: ${c.note ?? ""}` : `${c.vettedAccounts} vetted accounts matched it`;
                  return `${c.indicator}  ${new Date(c.at).toISOString()}  ${c.state}  from ${c.creator}  ${why}`;
                })
                .join("\n")
            : `no ${state === "all" ? "" : `${state} `}indicators`;
          out(program, human, rows);
        });
      }),
    );
  contests
    .command("lift <indicator>")
    .description("restore a contested indicator's full confidence on every replica, for good; audited")
    .requiredOption("--note <text>", "why the indicator is the campaign's after all")
    .option("--by <analyst>", "who lifts it", process.env.USER ?? "analyst")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .action(
      action(program, async (indicator: string, o: { note: string; by: string; db: string }) => {
        await withStore(o.db, async (store) => {
          const c = await liftContest(store, { indicator, by: o.by, note: o.note });
          out(program, `contest of ${indicator} lifted; every replica holds it at full confidence from its next refresh`, c);
        });
      }),
    );

  intel
    .command("opine <indicator>")
    .description("publish an opinion on a member's indicator (e.g. disagree: false positive)")
    .requiredOption("--config <file>", "intel config (YAML)")
    .requiredOption("--opinion <value>", "strongly-disagree | disagree | neutral | agree | strongly-agree")
    .requiredOption("--explanation <text>", "why")
    .option("--db <path>", "store", DEFAULT_DB_PATH)
    .action(
      action(program, async (indicator: string, o: { config: string; opinion: string; explanation: string; db: string }) => {
        const values = ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"] as const;
        const opinion = values.find((v) => v === o.opinion);
        if (!opinion) throw new ArgumentError(`--opinion must be one of ${values.join(", ")}`);
        if (!/^indicator--[0-9a-f-]{36}$/.test(indicator)) throw new ArgumentError(`${indicator} is not an indicator id`);
        const cfg = loadIntelConfig(o.config);
        await withStore(o.db, async (store) => {
          const obj = makeOpinion({ signer: cfg.signer, indicatorId: indicator, opinion, explanation: o.explanation, tlp: cfg.tlp, now: Date.now() });
          await publish(store, cfg.collection.id, [obj], cfg.identity.name);
          out(program, `opinion ${obj.id} published`, { id: obj.id });
        });
      }),
    );
}
