import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Postgres/Redis contract suites share real servers; files isolate by schema/key prefix.
    pool: "forks",
    // Every test's scratch directory under one per run, removed at its end (see temp-root.ts).
    globalSetup: ["src/testing/temp-root.ts"],
  },
});
