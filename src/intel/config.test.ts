import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReportJson, readReportClusters } from "../report/index.js";
import { loadIntelConfig } from "./config.js";
import { exportClusters } from "./export.js";
import { generateSigningKeys, verifyObject } from "./signing.js";
import { sampleCluster } from "./testing/fixtures.js";

describe("intel config and export from a report file", () => {
  it("loads keys relative to the config, takes peer tokens from the environment, and exports a hunt report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-intel-cfg-"));
    const own = generateSigningKeys();
    const peer = generateSigningKeys();
    writeFileSync(join(dir, "signing.pem"), own.privatePem);
    writeFileSync(join(dir, "peer.pub.pem"), peer.publicPem);
    writeFileSync(join(dir, "consortium.key"), "ab".repeat(32));
    const config = `
identity: { id: identity--11111111-2222-4333-8444-555555555555, name: Provider A }
signing_key_file: signing.pem
key_id: a-2026
consortium_keys: [{ id: k1, secret_file: consortium.key }]
collection: { id: 9a1b2c3d-0000-4000-8000-000000000001, title: hydra indicators }
members: [{ name: provider-b, token_sha256: "${"0a".repeat(32)}", read: true, write: false }]
peers:
  - { name: provider-b, api_root: "http://127.0.0.1:9/taxii2/api1/", collection: 9a1b2c3d-0000-4000-8000-000000000002, token_env: HS_B, identity: identity--66666666-2222-4333-8444-555555555555, public_key_file: peer.pub.pem }
`;
    writeFileSync(join(dir, "intel.yaml"), config);
    expect(() => loadIntelConfig(join(dir, "intel.yaml"), {})).toThrow(/needs its token in \$HS_B/);
    const cfg = loadIntelConfig(join(dir, "intel.yaml"), { HS_B: "secret" });
    expect(cfg.members[0]).toMatchObject({ name: "provider-b", read: [cfg.collection.id], write: [] });
    expect(cfg.pinned.size).toBe(2);
    writeFileSync(join(dir, "bad.yaml"), config.replace("key_id: a-2026", "key_id: a-2026\nsurprise: 1"));
    expect(() => loadIntelConfig(join(dir, "bad.yaml"), { HS_B: "x" })).toThrow(/intel config/);

    const report = buildReportJson({ totals: { lines: 1, exchanges: 1, duplicates: 0, quarantined: 0, bytes: 10 }, late: 0, files: [], accounts: [], clusters: [sampleCluster()], firstTs: 0, lastTs: 1 });
    writeFileSync(join(dir, "report.json"), JSON.stringify(report));
    const clusters = await readReportClusters(join(dir, "report.json"));
    expect(clusters[0]?.indicators?.length).toBe(sampleCluster().indicators?.length);
    const bundle = exportClusters(clusters, { identity: cfg.identity, keyring: cfg.keyring, signer: cfg.signer, tlp: cfg.tlp, now: Date.now() });
    const campaign = bundle.objects.find((o) => o.type === "campaign");
    expect(campaign && verifyObject(campaign, cfg.pinned)).toEqual({ ok: true, signer: cfg.identity.id });
  });
});
