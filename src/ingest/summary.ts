export interface FileCounts {
  file: string;
  /** Non-blank lines read. */
  lines: number;
  /** Accepted, first-seen exchanges. */
  exchanges: number;
  duplicates: number;
  quarantined: number;
  bytes: number;
}

export interface ReadTotals {
  lines: number;
  exchanges: number;
  duplicates: number;
  quarantined: number;
  bytes: number;
}

export function newFileCounts(file: string): FileCounts {
  return { file, lines: 0, exchanges: 0, duplicates: 0, quarantined: 0, bytes: 0 };
}

export function totalsOf(files: readonly FileCounts[]): ReadTotals {
  const t: ReadTotals = { lines: 0, exchanges: 0, duplicates: 0, quarantined: 0, bytes: 0 };
  for (const f of files) {
    t.lines += f.lines;
    t.exchanges += f.exchanges;
    t.duplicates += f.duplicates;
    t.quarantined += f.quarantined;
    t.bytes += f.bytes;
  }
  return t;
}
