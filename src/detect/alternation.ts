/**
 * Regex-source helpers for the domain lexicons' one big alternation: V8 tries the alternatives of an
 * alternation one after another at each position, so grouping regex alternatives by first character
 * lets it reject a whole group with one comparison. (For the CoT stem scan, plain literals, the
 * grouping measured slower: V8 already dispatches a flat alternation of literals well.) Written here
 * because the libraries that build alternations (regexgen and the like) take literal strings, not
 * regex alternatives with groups and classes in them.
 */
/** The top-level alternatives of a regex body (splits on `|` outside groups and character classes). */
export function topLevelAlternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(body.slice(from, i));
      from = i + 1;
    }
  }
  out.push(body.slice(from));
  return out;
}

/**
 * The literal first character of an alternative and the source after it. A regex engine tries
 * alternatives one after another at every word boundary; grouping them by first character lets it
 * reject a whole group with one comparison. Alternatives with different first characters can never
 * match at the same position, so the grouping keeps which alternative wins: within a group the
 * original order stands.
 */
function splitFirstChar(alt: string): { first: string; rest: string } {
  let first: string;
  let restAt: number;
  if (alt.startsWith("\\") && alt.length > 1 && !/[A-Za-z0-9]/.test(alt.charAt(1))) {
    first = alt.slice(0, 2);
    restAt = 2;
  } else if (alt.length > 0 && !"\\([.^$|?*+{".includes(alt.charAt(0))) {
    first = alt.charAt(0);
    restAt = 1;
  } else throw new Error(`lexicon alternative must start with a literal character: ${alt}`);
  if (restAt < alt.length && "?*+{".includes(alt.charAt(restAt))) throw new Error(`lexicon alternative must not start with an optional character: ${alt}`);
  return { first, rest: alt.slice(restAt) };
}

/**
 * An alternative that opens with a group, "(?:its|your) own goals", as alternatives that each have a
 * literal first character ("its own goals", "your own goals"), one per first character, the group's
 * alternatives sharing it kept together ("(?:gave|giving) away" as "g(?:ave|iving) away"): the rest
 * after the group is written once per first character, not once per alternative. V8 stops optimising
 * a regex over 20 KB of source (see the domain lexicons), so what the expansion repeats counts.
 * The same match at each position: `(?:a|b)rest` tries a then rest, then b then rest, as `arest|brest`
 * does, and alternatives with different first characters never match at the same position.
 */
function expandLeadingGroup(alt: string): string[] {
  if (!alt.startsWith("(?:")) return [alt];
  let depth = 0;
  let close = -1;
  for (let i = 0; i < alt.length && close < 0; i++) {
    const c = alt[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) close = i;
  }
  if (close < 0) throw new Error(`lexicon alternative has an unclosed group: ${alt}`);
  const rest = alt.slice(close + 1);
  if ("?*+{".includes(rest.charAt(0)) && rest !== "") throw new Error(`lexicon alternative must not start with an optional group: ${alt}`);
  return groupsByFirstChar(topLevelAlternatives(alt.slice(3, close)), rest);
}

/**
 * Alternatives (leading groups expanded) as one alternative per first character, in order of first
 * appearance, those sharing it kept in their order: `first(?:rest1|rest2)tail`, or `first rest tail` for one.
 */
function groupsByFirstChar(alternatives: readonly string[], tail: string): string[] {
  const byFirst = new Map<string, string[]>();
  for (const alt of alternatives.flatMap(expandLeadingGroup)) {
    const split = splitFirstChar(alt);
    const group = byFirst.get(split.first) ?? [];
    group.push(split.rest);
    byFirst.set(split.first, group);
  }
  return [...byFirst].map(([first, rests]) => (rests.length === 1 ? `${first}${rests[0] ?? ""}${tail}` : `${first}(?:${rests.join("|")})${tail}`));
}

/** An alternation with its alternatives grouped by first character (see splitFirstChar). */
export function groupedAlternation(alternatives: readonly string[]): string {
  return groupsByFirstChar(alternatives, "").join("|");
}

/**
 * groupedAlternation's first-character groups packed, in order, into alternations of at most
 * `maxChars` characters of source each: V8 runs a regex of more than 20 KB of source unoptimised,
 * measured on the domain lexicons at 4.1 µs a prompt at 20,479 characters and 26.7 µs at 20,489.
 * Groups are never split, so no two alternations can match at the same position.
 */
export function groupedAlternations(alternatives: readonly string[], maxChars: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const group of topLevelAlternatives(groupedAlternation(alternatives))) {
    if (group.length > maxChars) throw new Error(`lexicon group of ${group.length} characters exceeds ${maxChars}: ${group.slice(0, 40)}…`);
    if (current.length > 0 && length + 1 + group.length > maxChars) {
      out.push(current.join("|"));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + group.length;
    current.push(group);
  }
  if (current.length > 0) out.push(current.join("|"));
  return out;
}
