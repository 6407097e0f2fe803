/** A one-line progress meter on stderr, only when stderr is a TTY (quiet in CI and pipes). */
export class Progress {
  private bytes = 0;
  private items = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private readonly enabled: boolean;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly totalBytes: number | null,
    private readonly unit = "exchanges",
    enabled: boolean = process.stderr.isTTY === true,
  ) {
    this.enabled = enabled;
    if (this.enabled) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  addBytes = (n: number): void => {
    this.bytes += n;
  };
  addItems = (n: number): void => {
    this.items += n;
  };

  private render(): void {
    const secs = Math.max((Date.now() - this.started) / 1000, 0.001);
    const parts = [`${this.label}: ${fmtBytes(this.bytes)}`];
    if (this.totalBytes) parts[0] += ` / ${fmtBytes(this.totalBytes)} (${((100 * this.bytes) / this.totalBytes).toFixed(0)}%)`;
    parts.push(`${this.items.toLocaleString("en-US")} ${this.unit}`, `${Math.round(this.items / secs).toLocaleString("en-US")}/s`);
    parts.push(`${fmtBytes(this.bytes / secs)}/s`);
    if (this.totalBytes && this.bytes > 0) parts.push(`ETA ${fmtSecs(((this.totalBytes - this.bytes) * secs) / this.bytes)}`);
    process.stderr.write(`\r\x1b[2K${parts.join(" · ")}`);
  }

  /** Final render; safe to call more than once (success path and `finally`). */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    if (this.enabled) {
      this.render();
      process.stderr.write("\n");
    }
  }
}

export function fmtBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
