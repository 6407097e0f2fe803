import type { AccountState } from "../detect/account.js";
import { isFamily, type LinkKey } from "./links.js";
import { isThrowaway, rotatesPerRequest } from "./score.js";

/**
 * A group smaller than this is not treated as a prompt's crowd: its shared prompt says more, and the
 * rings this must not excuse (a careful ring of a dozen aged accounts) are of that size.
 */
export const PROMPT_CROWD_MIN_ACCOUNTS = 5;
/** The share of a group one prompt family must cover to be what holds the group together. */
const CROWD_FAMILY_SHARE = 0.8;
/** Without that family, no piece of the group tied by anything else may reach this share of it. */
const CROWD_PIECE_SHARE = 0.5;
/** From this share of throwaway or rotating members on, a group is not strangers, whatever holds it together. */
const CROWD_THROWAWAY_SHARE = 0.5;

export interface PromptCrowd {
  /** The family (a system prompt or a template) that alone holds the group together. */
  family: LinkKey;
  /** The largest piece of the group that stays tied without that family, as a share of the group. */
  largestPiece: number;
}

/**
 * Whether a linked group is strangers held together by one prompt family alone: one system prompt or
 * template covers nearly all of it; without that family it falls apart into pieces (a family plan's
 * card, two neighbours behind a carrier's address, a popular prompt's frame) none of which is half of
 * it; and fewer than half of its accounts are throwaway or rotate their address per request.
 *
 * That is what the users of one app look like when each brings their own API key (a coding agent, a
 * tutoring app, a copied "think step by step" system prompt): the prompt is the app's choice, and its
 * users are strangers. A harness's accounts share more than one prompt (its frames, its templates,
 * its several system prompts) or share infrastructure, so they stay tied when any one family is
 * taken away, or run accounts made for the job. What is left is a ring of aged accounts with an
 * address and a card each, sharing one prompt and nothing else: the app's users, as far as a log can
 * tell. Why this matters: pooled over such a group, the app's eliciting system prompt reads as
 * every member eliciting reasoning on every request, round the clock: 101 of 516 ordinary users were
 * flagged as one ring when a fifth of them used one app whose system prompt asked for step-by-step
 * reasoning.
 */
export function promptCrowd(accounts: readonly string[], states: readonly AccountState[], links: readonly LinkKey[]): PromptCrowd | null {
  const k = accounts.length;
  if (k < PROMPT_CROWD_MIN_ACCOUNTS) return null;
  const inGroup = new Set(accounts);
  let family: LinkKey | null = null;
  let covered = 0;
  for (const l of links) {
    if (!isFamily(l.kind)) continue;
    let inside = 0;
    for (const m of l.members) if (inGroup.has(m)) inside++;
    if (inside > covered) {
      covered = inside;
      family = l;
    }
  }
  if (family === null || covered < CROWD_FAMILY_SHARE * k) return null;
  const largestPiece = largestTiedPiece(accounts, links, family) / k;
  if (largestPiece >= CROWD_PIECE_SHARE) return null;
  const throwaway = states.filter(isThrowaway).length;
  const rotating = states.filter(rotatesPerRequest).length;
  return throwaway < CROWD_THROWAWAY_SHARE * k && rotating < CROWD_THROWAWAY_SHARE * k ? { family, largestPiece } : null;
}

/**
 * The size of the largest set of accounts tied to each other by the group's links other than `without`.
 * Union-find by hand: graphology's component helpers would need a second graph built per group, and
 * this runs only when Louvain reshapes communities.
 */
function largestTiedPiece(accounts: readonly string[], links: readonly LinkKey[], without: LinkKey): number {
  const parent = new Map<string, string>();
  for (const a of accounts) parent.set(a, a);
  const root = (a: string): string => {
    let r = a;
    for (let up = parent.get(r) as string; up !== r; up = parent.get(r) as string) r = up;
    for (let at = a; at !== r; ) {
      const up = parent.get(at) as string;
      parent.set(at, r);
      at = up;
    }
    return r;
  };
  for (const l of links) {
    if (l === without) continue;
    let first: string | null = null;
    for (const m of l.members) {
      if (!parent.has(m)) continue;
      if (first === null) first = root(m);
      else {
        const r = root(m);
        if (r !== first) parent.set(r, first);
      }
    }
  }
  const sizes = new Map<string, number>();
  let largest = 0;
  for (const a of accounts) {
    const r = root(a);
    const n = (sizes.get(r) ?? 0) + 1;
    sizes.set(r, n);
    if (n > largest) largest = n;
  }
  return largest;
}
