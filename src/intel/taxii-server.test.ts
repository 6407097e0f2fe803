import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openStore } from "../store/index.js";
import { taxiiApp, TAXII_MEDIA_TYPE } from "./taxii-server.js";

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

describe("TAXII server access control", () => {
  it("rate-limits each member, answers 406 to unacceptable Accept headers, and hides collections a member cannot see", async () => {
    const store = await openStore(":memory:");
    const app = taxiiApp({
      store,
      title: "t",
      collections: [
        { id: "c-open", title: "open" },
        { id: "c-private", title: "private" },
      ],
      members: [
        { name: "reader", tokenSha256: sha("r"), read: ["c-open"], write: [] },
        { name: "other", tokenSha256: sha("o"), read: ["c-open", "c-private"], write: ["c-private"] },
      ],
      pinned: new Map(),
      requestsPerMinute: 3,
    });
    const get = (path: string, token: string, accept = TAXII_MEDIA_TYPE) => app.request(path, { headers: { authorization: `Bearer ${token}`, accept } });
    expect((await get("/api1/collections/c-private", "r")).status).toBe(404);
    const listed = (await (await get("/api1/collections", "r")).json()) as { collections: Array<{ id: string }> };
    expect(listed.collections.map((c) => c.id)).toEqual(["c-open"]);
    const posted = await app.request("/api1/collections/c-open/objects", { method: "POST", headers: { authorization: "Bearer o", "content-type": TAXII_MEDIA_TYPE }, body: '{"objects":[]}' });
    expect(posted.status).toBe(403);
    expect((await get("/api1/collections", "o", "text/html")).status).toBe(406);
    expect((await get("/api1/collections", "r")).status).toBe(200); // the reader's third request this minute
    const limited = await get("/api1/collections", "r");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ title: "Too Many Requests", http_status: "429" });
    await store.close();
  });
});
