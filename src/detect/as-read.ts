/**
 * Text as a person reads it, for the phrase patterns: what a harness can do to an ask so that a person
 * (and the model answering) still reads it while a pattern does not. Three ways, all cheap to undo:
 * invisible characters inside words ("rea\u200bsoning", a soft hyphen), fullwidth letters
 * ("ｒｅａｓｏｎｉｎｇ"), and Cyrillic or Greek letters that look like Latin ones inside a Latin word
 * ("reаsоning" with Cyrillic а and о). Only a word that mixes Latin with those scripts is mapped:
 * a Russian or Greek word is left as written, for the patterns of its own language.
 */
const NON_ASCII = /[\u0080-\uffff]/;
// Format and zero-width characters: soft hyphen, joiners, marks, bidi controls, word joiner, variation selectors, BOM.
// Each is removed alone, wherever it is: the combining ones among them are listed as code points, not as part of a letter.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufe00-\ufe0f\ufeff]/g;
// Fullwidth letters and digits only: CJK text writes its punctuation fullwidth, and its patterns read it so.
const FULLWIDTH = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g;
const CYRILLIC_OR_GREEK = /[\u0370-\u03ff\u0400-\u052f]/;
const LATIN = /[a-z]/i;
const WORD = /[\p{L}\p{M}]+/gu;

/** Cyrillic and Greek letters drawn like a Latin one (Unicode's confusables, the common ones). */
const LOOKALIKE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    а: "a", в: "b", е: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", у: "y", х: "x", і: "i", ј: "j", ѕ: "s", ԁ: "d", ԛ: "q", ԝ: "w", һ: "h", ӏ: "l", ё: "e", ї: "i",
    А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", У: "Y", Х: "X", І: "I", Ј: "J", Ѕ: "S",
    α: "a", β: "b", ε: "e", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w",
    Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  }),
);

const latinised = (word: string): string => (LATIN.test(word) && CYRILLIC_OR_GREEK.test(word) ? Array.from(word, (c) => LOOKALIKE.get(c) ?? c).join("") : word);

export function asRead(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let read = text.replace(INVISIBLE, "");
  read = read.replace(FULLWIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (CYRILLIC_OR_GREEK.test(read) && LATIN.test(read)) read = read.replace(WORD, latinised);
  return read;
}
