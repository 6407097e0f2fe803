/**
 * Whether a cluster member's own signs (eliciting requests, requests in a harness's frame) are more than
 * a person's habit explains. Members come to a ring's community through such requests (a prompt the ring
 * also sends, a dataset item it harvested), so the member is chosen for having some; a flat bar of two
 * signs and a tenth of requests flagged people asking "can you explain step by step?" now and then: three
 * of 420 ordinary users in a 30-day log from a generator written outside the simulator, each with two
 * signs in 13 to 17 requests.
 *
 * A person's signs come at about ORGANIC_SIGN_RATE a request (asks for the steps about one in a hundred,
 * and as many prompts that a ring happens to send too); the member's count must be one that rate reaches
 * with a chance under HABIT_CHANCE, and a tenth of its requests as before. Two signs then suffice up to 11
 * requests, three up to 29, four up to 51; from 52 requests on the tenth is the stricter bar.
 */
export const ORGANIC_SIGN_RATE = 0.02;
export const HABIT_CHANCE = 0.02;
export const OWN_EVIDENCE_MIN_SHARE = 0.1;
/** Past this many requests a tenth of them is always beyond the habit (checked by the test): no table needed. */
const TABLE_REQUESTS = 100;

/** P(X ≥ k) for X ~ Binomial(n, p), by the complement's terms (k is small where it is asked). */
export function binomialTailAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let term = (1 - p) ** n;
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.max(0, 1 - below);
}

/** minSigns[n]: the fewest signs in n requests that the habit reaches with a chance under HABIT_CHANCE. */
const minSigns: number[] = Array.from({ length: TABLE_REQUESTS }, (_, n) => {
  let k = 1;
  while (k <= n && binomialTailAtLeast(k, n, ORGANIC_SIGN_RATE) >= HABIT_CHANCE) k++;
  return k;
});

export function beyondHabit(signs: number, requests: number): boolean {
  if (requests <= 0 || signs < OWN_EVIDENCE_MIN_SHARE * requests) return false;
  return requests >= TABLE_REQUESTS || signs >= (minSigns[requests] as number);
}

/**
 * The share of a member's requests its signs must reach when it sends its community's own eliciting
 * templates (see ownElicitingTemplates): frames nobody outside the ring sends, which a person does not
 * pick up by habit. A careful ring mixing one ask into every ten ordinary requests left half of its
 * members under the tenth (13 of 20 aged accounts on their own cards and addresses, in a 30-day log from
 * a generator written outside the simulator, each a member of the flagged ring with 8–10% asks).
 */
export const OWN_FRAMES_MIN_SHARE = 0.05;
/** The fewest of the community's own eliciting families a member must send: a harness rotates its asks; a stranger may echo one. */
export const OWN_FRAMES_MIN_FAMILIES = 2;
/** From this many requests on, the twentieth is beyond the habit by itself (checked by the test). */
const OWN_FRAMES_TAIL_UNTIL = 300;

/** Whether signs sent in the community's own frames are more than a person's habit explains: a twentieth of the requests, and a count the habit reaches with a chance under HABIT_CHANCE. */
export function beyondHabitInOwnFrames(signs: number, requests: number): boolean {
  if (requests <= 0 || signs < 2 || signs < OWN_FRAMES_MIN_SHARE * requests) return false;
  return requests >= OWN_FRAMES_TAIL_UNTIL || binomialTailAtLeast(signs, requests, ORGANIC_SIGN_RATE) < HABIT_CHANCE;
}
