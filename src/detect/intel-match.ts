import type { Exchange } from "../core/index.js";
import type { RequestSignals } from "./signals.js";

export interface IntelMatch {
  /** Distinct shared indicators this request matches. */
  matches: number;
  /** Distinct consortium members those indicators came from. */
  sources: number;
  /** Highest confidence (0-100) among them, after decay and members' votes. */
  maxConfidence: number;
  reasons: string[];
}

/**
 * Matches one request against received threat intel. intel/ provides the implementation (a
 * watchlist of keyed hashes, ranges and template signatures); the hunt engine and the gateway both
 * call it, so an indicator means the same thing offline and online.
 */
export interface IntelMatcher {
  /**
   * `vetted`: the account's cover holds (a research programme, or a verified organisation working as a
   * seat does: see coverHolds), which is what lets its matches contest an indicator. A verified
   * organisation's head leaving through a proxy pool would otherwise contest the very indicator naming it.
   */
  match(ex: Exchange, signals: RequestSignals, now: number, vetted: boolean): IntelMatch;
}

export const NO_INTEL: IntelMatcher = { match: () => ({ matches: 0, sources: 0, maxConfidence: 0, reasons: [] }) };
