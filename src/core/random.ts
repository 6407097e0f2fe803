/**
 * Seeded PRNG (mulberry32) and FNV-1a hashing. Hand-written because simulation and MinHash must be
 * bit-for-bit reproducible across Node versions; Math.random cannot be seeded.
 */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two hex digits per byte value: Number#toString(16) with padStart cost several times more, and hashes are hexed on every request. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A 32-bit unsigned value as 8 lower-case hex digits. */
export function hex32(x: number): string {
  return (HEX_BYTE[(x >>> 24) & 255] as string) + (HEX_BYTE[(x >>> 16) & 255] as string) + (HEX_BYTE[(x >>> 8) & 255] as string) + (HEX_BYTE[x & 255] as string);
}

/** 32-bit FNV-1a over UTF-16 code units. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
