import { loadDefaultModel } from "../detect/index.js";
import { createGateway, listen, MemoryState } from "../gateway/index.js";
import { startUpstreamStub } from "../gateway/upstream-stub.js";
import { openStore } from "../store/index.js";

/** A bench process: `stub` (the upstream stand-in) or `gateway <stubPort>` with embedded defaults. */
async function main(): Promise<void> {
  // A clean exit on signal, so --cpu-prof and friends write their output.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(0));
  const [kind, stubPort] = process.argv.slice(2);
  if (kind === "stub") {
    const stub = await startUpstreamStub({ chunkDelayMs: 0 });
    process.stdout.write(`PORT ${new URL(stub.url).port}\n`);
    return;
  }
  const store = await openStore(":memory:");
  const gateway = await createGateway({ store, state: new MemoryState(), model: loadDefaultModel(), upstream: `http://127.0.0.1:${stubPort}` });
  const server = await listen(gateway.app, 0);
  process.stdout.write(`PORT ${server.port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench child failed: ${String(err)}\n`);
  process.exit(1);
});
