import { describe, expect, it } from "vitest";
import type { AccountMeta, ClientInfo } from "../core/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { ACCOUNT_META_FIELDS, CLIENT_FIELDS, TextlessExchanges } from "./textless.js";

const client: Required<ClientInfo> = { ip: "198.51.100.23", asn: 64501, country: "DE", userAgent: "python-requests/2.31", tlsFp: "t13d1516h2_8daaf6152771_02713d6af862", proxy: false };
const accountMeta: Required<AccountMeta> = {
  createdAt: "2026-01-30T11:02:00Z",
  emailHash: "eh_5ab3482f317cf5ae",
  paymentFp: "pf_1b949508a950",
  phoneHash: "ph_c0a81044db771c8a",
  org: "org_77",
  tier: "standard",
  verified: false,
  program: "research",
};
/** A value no field holds: what a changed field becomes. */
const changed = (v: unknown): unknown => (typeof v === "string" ? `${v}-changed` : typeof v === "number" ? v + 1 : !v);

describe("textless exchanges", () => {
  it("drop the texts and keep everything the account and cluster levels read", () => {
    const ex = makeExchange({ client, accountMeta, tools: [{ name: "search", schema: "{}" }], toolCalls: ["search"], assistantTurns: ["ok"] });
    const slim = new TextlessExchanges().slim(ex);
    expect(slim).toEqual({ ...ex, system: "", userTurns: [], assistantTurns: [], tools: [], toolCalls: [] });
    expect(ex.userTurns).toHaveLength(1); // the original is left as it was
  });

  it("share an account's client and metadata while unchanged, and never across accounts", () => {
    const textless = new TextlessExchanges();
    const a1 = textless.slim(makeExchange({ id: "ex_1", client: { ...client }, accountMeta: { ...accountMeta } }));
    const a2 = textless.slim(makeExchange({ id: "ex_2", client: { ...client }, accountMeta: { ...accountMeta } }));
    const b = textless.slim(makeExchange({ id: "ex_3", account: "acct_other", client: { ...client }, accountMeta: { ...accountMeta } }));
    expect(a2.client).toBe(a1.client);
    expect(a2.accountMeta).toBe(a1.accountMeta);
    expect(b.client).not.toBe(a1.client);
  });

  it("compare every field: a change in any one gives the exchange its own client or metadata", () => {
    for (const field of Object.keys(CLIENT_FIELDS) as Array<keyof ClientInfo>) {
      const textless = new TextlessExchanges();
      textless.slim(makeExchange({ client: { ...client }, accountMeta }));
      const next = textless.slim(makeExchange({ client: { ...client, [field]: changed(client[field]) }, accountMeta }));
      expect(next.client[field], field).toEqual(changed(client[field]));
    }
    for (const field of Object.keys(ACCOUNT_META_FIELDS) as Array<keyof AccountMeta>) {
      const textless = new TextlessExchanges();
      textless.slim(makeExchange({ client, accountMeta: { ...accountMeta } }));
      const next = textless.slim(makeExchange({ client, accountMeta: { ...accountMeta, [field]: changed(accountMeta[field]) } }));
      expect(next.accountMeta[field], field).toEqual(changed(accountMeta[field]));
    }
  });

  it("follow a change: after the client changes, later exchanges share the new one", () => {
    const textless = new TextlessExchanges();
    textless.slim(makeExchange({ client: { ...client } }));
    const moved = textless.slim(makeExchange({ client: { ...client, ip: "203.0.113.99" } }));
    const after = textless.slim(makeExchange({ client: { ...client, ip: "203.0.113.99" } }));
    expect(after.client).toBe(moved.client);
    expect(after.client.ip).toBe("203.0.113.99");
  });
});
