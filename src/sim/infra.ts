import type { Rng } from "../core/index.js";
import { pick } from "./prompts.js";

/** Network and client facts the simulator draws from: ISPs, carriers (CGNAT), VPN exits, clouds. */
export interface Country {
  code: string;
  tzHours: number;
}

export const COUNTRIES: Country[] = [
  { code: "US", tzHours: -5 }, { code: "US", tzHours: -8 }, { code: "GB", tzHours: 0 }, { code: "DE", tzHours: 1 },
  { code: "FR", tzHours: 1 }, { code: "IN", tzHours: 5.5 }, { code: "BR", tzHours: -3 }, { code: "JP", tzHours: 9 },
  { code: "KR", tzHours: 9 }, { code: "SG", tzHours: 8 }, { code: "AU", tzHours: 10 }, { code: "CA", tzHours: -5 },
  { code: "MX", tzHours: -6 }, { code: "NG", tzHours: 1 }, { code: "ID", tzHours: 7 }, { code: "VN", tzHours: 7 },
  { code: "PL", tzHours: 1 }, { code: "NL", tzHours: 1 }, { code: "ES", tzHours: 1 }, { code: "TR", tzHours: 3 },
  { code: "PH", tzHours: 8 }, { code: "HK", tzHours: 8 }, { code: "TW", tzHours: 8 }, { code: "IT", tzHours: 1 },
  { code: "AR", tzHours: -3 }, { code: "ZA", tzHours: 2 }, { code: "EG", tzHours: 2 }, { code: "TH", tzHours: 7 },
  { code: "MY", tzHours: 8 }, { code: "UA", tzHours: 2 }, { code: "SE", tzHours: 1 }, { code: "CL", tzHours: -4 },
];

export interface Network {
  asn: number;
  country: string;
  /** First two octets of the network's address space. */
  prefix: [number, number];
  kind: "isp" | "carrier" | "vpn" | "cloud" | "hosting";
}

function networksFor(rng: Rng): Network[] {
  const nets: Network[] = [];
  let asn = 7000;
  const seen = new Set<string>();
  const prefix = (): [number, number] => {
    for (;;) {
      const p: [number, number] = [11 + Math.floor(rng() * 200), Math.floor(rng() * 256)];
      const k = p.join(".");
      if (!seen.has(k) && p[0] !== 127 && p[0] !== 100) {
        seen.add(k);
        return p;
      }
    }
  };
  for (const c of new Set(COUNTRIES.map((x) => x.code))) {
    for (let i = 0; i < 3; i++) nets.push({ asn: asn++, country: c, prefix: prefix(), kind: "isp" });
    nets.push({ asn: asn++, country: c, prefix: prefix(), kind: "carrier" });
  }
  for (const c of ["NL", "US", "SE", "CH", "PA"]) nets.push({ asn: asn++, country: c, prefix: prefix(), kind: "vpn" });
  nets.push({ asn: 16509, country: "US", prefix: prefix(), kind: "cloud" });
  nets.push({ asn: 15169, country: "US", prefix: prefix(), kind: "cloud" });
  nets.push({ asn: 8075, country: "US", prefix: prefix(), kind: "cloud" });
  nets.push({ asn: 14061, country: "SG", prefix: prefix(), kind: "hosting" });
  nets.push({ asn: 24940, country: "DE", prefix: prefix(), kind: "hosting" });
  return nets;
}

export interface ClientFacts {
  ip: string;
  asn: number;
  country: string;
  user_agent: string;
  tls_fp: string;
  proxy?: boolean;
}

const SDK_UAS = ["python-httpx/0.27.0", "OpenAI/Python 1.54.3", "Anthropic/Python 0.39.0", "OpenAI/JS 4.73.0", "Anthropic/JS 0.32.1", "axios/1.7.7", "node-fetch/3.3.2", "Go-http-client/2.0", "curl/8.5.0"];
const APP_UAS = ["MyNotesApp/3.2 (iOS 17.5)", "ChatDesk/1.9 (Android 14)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ChatClient/2.1", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) ElectronChat/0.9", "Slackbot-LLM/1.0"];
const TLS_FPS = ["t13d1516h2_8daaf6152771_e5627efa2ab1", "t13d1715h2_5b57614c22b0_3d5424432f57", "t13d0912h2_f91f431d341e_dd5c7d6d1e7b", "t13d1516h2_8daaf6152771_02713d6af862", "t12d0909h1_33bcd3e0b4a4_1f8f3e4a8b2c"];

/** The world's networks for one simulation, fixed by its seed. */
export class World {
  readonly networks: Network[];
  private readonly byKind: Map<string, Network[]>;

  constructor(private readonly rng: Rng) {
    this.networks = networksFor(rng);
    this.byKind = new Map();
    for (const n of this.networks) {
      const k = `${n.kind}:${n.country}`;
      this.byKind.set(k, [...(this.byKind.get(k) ?? []), n]);
      this.byKind.set(n.kind, [...(this.byKind.get(n.kind) ?? []), n]);
    }
  }

  network(kind: Network["kind"], country?: string): Network {
    const list = (country ? this.byKind.get(`${kind}:${country}`) : undefined) ?? this.byKind.get(kind) ?? this.networks;
    return pick(this.rng, list);
  }

  /** An address in a network; `pool` limits it to the first N hosts (CGNAT and VPN exits are few and shared). */
  ip(net: Network, pool?: number): string {
    const host = pool ? Math.floor(this.rng() * pool) : Math.floor(this.rng() * 65536);
    return `${net.prefix[0]}.${net.prefix[1]}.${(host >> 8) & 255}.${(host & 255) || 1}`;
  }

  sdkUa(): string {
    return pick(this.rng, SDK_UAS);
  }
  appUa(): string {
    return pick(this.rng, APP_UAS);
  }
  tlsFp(): string {
    return pick(this.rng, TLS_FPS);
  }
}

/** Relative request rate by local hour for people (late-morning and evening peaks, quiet nights). */
export const HUMAN_DIURNAL = [0.25, 0.12, 0.08, 0.06, 0.06, 0.1, 0.25, 0.55, 0.9, 1.15, 1.25, 1.3, 1.2, 1.25, 1.3, 1.25, 1.15, 1.1, 1.15, 1.3, 1.4, 1.3, 0.95, 0.55];
/** Business traffic: office hours in the app's own time zone. */
export const BUSINESS_DIURNAL = [0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.7, 1.3, 1.6, 1.7, 1.6, 1.4, 1.6, 1.7, 1.6, 1.4, 1.1, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2];
export const FLAT_DIURNAL = Array.from({ length: 24 }, () => 1);

/** UTC hour weights for a local diurnal curve in time zone `tz`. */
export function utcCurve(curve: readonly number[], tz: number): number[] {
  return Array.from({ length: 24 }, (_, h) => curve[(((h + Math.round(tz)) % 24) + 24) % 24] as number);
}

export function sampleHour(rng: Rng, curve: readonly number[]): number {
  const total = curve.reduce((a, b) => a + b, 0);
  let r = rng() * total;
  for (let h = 0; h < 24; h++) {
    r -= curve[h] as number;
    if (r <= 0) return h;
  }
  return 23;
}
