import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Exchange } from "../core/index.js";
import { ExchangeHeap, RecentIds } from "./order.js";
import { BatchCutter, DEFAULT_REORDER_WINDOW_MS, type OrderedReadState } from "./pipeline.js";
import type { QuarantineWriter } from "./quarantine.js";
import { parseExchangeLine, readExchangeLog } from "./read.js";
import type { InputSource } from "./source.js";
import type { FileCounts } from "./summary.js";

export interface SortedReadOptions {
  quarantine: QuarantineWriter;
  onBytes?: (n: number) => void;
  batchSize?: number;
  /** Exchanges sorted in memory before they are spilled to disk as one run. */
  runExchanges?: number;
  /** Where runs are spilled; removed when the read ends, however it ends. */
  tmpDir?: string;
  /** Called once every line is read, with the number of runs spilled (0: the log fit in memory). */
  onSorted?: (runs: number) => void;
}

/**
 * Lines sorted in memory before they are spilled to disk as one run: 50,000 hold ~60 MB of text here
 * (the bench log's lines average 1.2 KB), and a 16M-exchange log spills 320 runs.
 */
export const SORT_RUN_EXCHANGES = 50_000;
/** A run is spilled sooner when its lines pass this many characters: requests with images inline are megabytes each. */
const SORT_RUN_CHARS = 128 * 1024 * 1024;
/** Lines per compressed frame of a run: what each run keeps in memory while they are merged. */
const FRAME_LINES = 256;
const FRAME_CHARS = 4 * 1024 * 1024;

/**
 * An accepted line with its sort key. Runs keep the line's text, not the parsed exchange: text is one
 * flat string for the collector, where a parsed exchange is a graph of objects, and spilling graphs
 * (V8-serialised) spent more in the collector than parsing each line a second time costs.
 */
interface Keyed {
  ts: number;
  id: string;
  /** Index of the input file the line was read from, so duplicates are counted against it. */
  file: number;
  line: string;
}

interface Frame {
  files: number[];
  lines: string[];
}

const byTime = (a: Keyed, b: Keyed): number => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A sorted run, read back one frame at a time: spilled to `path`, or held in memory (the last one). */
class Run {
  private frame: Frame;
  private i = 0;
  private offset = 0;
  private parsed: Exchange | null = null;
  constructor(
    private readonly path: string | null,
    inMemory: Keyed[] = [],
  ) {
    this.frame = { files: inMemory.map((k) => k.file), lines: inMemory.map((k) => k.line) };
  }

  /** The run's next exchange, parsed only when it reaches the head (the line was validated on the first read). */
  head(): Exchange | null {
    if (this.parsed) return this.parsed;
    if (this.i >= this.frame.lines.length) this.load();
    const line = this.frame.lines[this.i];
    if (line === undefined) return null;
    const verdict = parseExchangeLine(line);
    if (!verdict.ok) throw new Error(`sorted run ${this.path ?? "(memory)"}: a line accepted on the first read no longer parses (${verdict.reason})`);
    return (this.parsed = verdict.exchange);
  }

  headFile(): number {
    return this.frame.files[this.i] as number;
  }

  advance(): void {
    this.i++;
    this.parsed = null;
  }

  private load(): void {
    this.frame = { files: [], lines: [] };
    this.i = 0;
    if (this.path === null) return;
    // Opened per frame: a long log spills hundreds of runs, more than a process may hold open.
    const fd = openSync(this.path, "r");
    try {
      const header = Buffer.alloc(4);
      if (readSync(fd, header, 0, 4, this.offset) < 4) return;
      const body = Buffer.alloc(header.readUInt32LE(0));
      readSync(fd, body, 0, body.length, this.offset + 4);
      this.offset += 4 + body.length;
      this.frame = deserialize(inflateRawSync(body)) as Frame;
    } finally {
      closeSync(fd);
    }
  }
}

function spill(path: string, run: Keyed[]): void {
  const fd = openSync(path, "w");
  try {
    for (let i = 0; i < run.length; ) {
      // Up to FRAME_LINES lines, fewer when they are large: one frame per run is in memory during the merge.
      let end = i + 1;
      for (let chars = run[i]?.line.length ?? 0; end < run.length && end - i < FRAME_LINES && chars < FRAME_CHARS; end++) chars += (run[end] as Keyed).line.length;
      const part = run.slice(i, end);
      i = end;
      const frame: Frame = { files: part.map((k) => k.file), lines: part.map((k) => k.line) };
      const body = deflateRawSync(serialize(frame), { level: 1 });
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length, 0);
      writeSync(fd, header);
      writeSync(fd, body);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Every input in exact time order however its lines were written (grouped by account, shuffled,
 * newest first): an external merge sort. The first pass reads, validates and quarantines every line
 * once, sorting runs of `runExchanges` lines in memory and spilling each but the last to a temporary
 * file; the second merges the runs, parsing each line again as it comes up. Same batches, counts and
 * duplicate handling as readInTimeOrder, which needs no disk and is what a time-ordered log gets; this
 * is for logs its reorder window cannot absorb.
 * Written by hand: npm's external sorts sort text by text, and this one sorts by the parsed `ts` (any
 * RFC 3339 offset) and counts each line against its file.
 */
export async function* readSorted(sources: readonly InputSource[], opts: SortedReadOptions, state: OrderedReadState): AsyncGenerator<Exchange[]> {
  const runSize = opts.runExchanges ?? SORT_RUN_EXCHANGES;
  const dir = mkdtempSync(join(opts.tmpDir ?? tmpdir(), "hydrasentry-sort-"));
  try {
    const files: FileCounts[] = [];
    const runs: Run[] = [];
    let pending: Keyed[] = [];
    let pendingChars = 0;
    for await (const { file, exchanges, lines } of readExchangeLog(sources, { quarantine: opts.quarantine, onBytes: opts.onBytes })) {
      let f = files.indexOf(file);
      if (f < 0) {
        f = files.push(file) - 1;
        state.files.push(file);
      }
      for (let i = 0; i < exchanges.length; i++) {
        const ex = exchanges[i] as Exchange;
        const line = lines[i] as string;
        pending.push({ ts: ex.ts, id: ex.id, file: f, line });
        pendingChars += line.length;
        if (pending.length < runSize && pendingChars < SORT_RUN_CHARS) continue;
        const path = join(dir, `run-${runs.length}`);
        spill(path, pending.sort(byTime));
        runs.push(new Run(path));
        pending = [];
        pendingChars = 0;
      }
    }
    const spilled = runs.length;
    if (pending.length > 0) runs.push(new Run(null, pending.sort(byTime)));
    pending = [];
    opts.onSorted?.(spilled);

    // Merge: the runs' heads in a heap, each head mapped back to its run.
    const heads = new ExchangeHeap();
    const runOf = new Map<Exchange, Run>();
    const enqueue = (run: Run): void => {
      const head = run.head();
      if (!head) return;
      heads.push(head);
      runOf.set(head, run);
    };
    for (const run of runs) enqueue(run);
    // In exact order a re-delivered exchange sits beside its first copy; the window is ample.
    const cutter = new BatchCutter(new RecentIds(2 * DEFAULT_REORDER_WINDOW_MS), opts.batchSize ?? 4096, state);
    for (;;) {
      const ex = heads.pop();
      if (!ex) break;
      const run = runOf.get(ex) as Run;
      runOf.delete(ex);
      const file = files[run.headFile()] as FileCounts;
      run.advance();
      enqueue(run);
      const full = cutter.take(ex, file);
      if (full) yield full;
    }
    const rest = cutter.rest();
    if (rest) yield rest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
