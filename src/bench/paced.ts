import { Agent, request } from "node:http";

/**
 * Open-loop load at a fixed rate with evenly spaced arrivals. autocannon's `overallRate` releases
 * each second's budget in a burst, so at "1,000 req/s" twenty requests land at once and the
 * measured latency is mostly queueing behind the burst: that made the gateway look 10 ms slower
 * than it is. Arrivals do not wait for answers (open loop), so a stalled server still receives
 * its load and is charged for it; latency runs from when each request is written.
 */
export interface PacedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedResult {
  sent: number;
  completed: number;
  rps: number;
  /** Sorted latencies in ms. */
  latencies: Float64Array;
  non2xx: number;
  /** Count per non-2xx status code: policy refusals (429, 403) read differently from failures (5xx). */
  statuses: Record<number, number>;
  errors: number;
}

export async function pacedLoad(opts: { url: string; rate: number; seconds: number; next: () => PacedRequest; timeoutMs?: number }): Promise<PacedResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const times: number[] = [];
  let non2xx = 0;
  const statuses: Record<number, number> = {};
  let errors = 0;
  let sent = 0;
  let outstanding = 0;
  const start = performance.now();
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finished = resolve));

  const fire = (): void => {
    const r = opts.next();
    const sentAt = performance.now();
    outstanding++;
    const done = (ok: boolean, status: number): void => {
      outstanding--;
      if (!ok) errors++;
      else {
        if (status < 200 || status >= 300) {
          non2xx++;
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
        times.push(performance.now() - sentAt);
      }
      if (sent === total && outstanding === 0) finished();
    };
    const req = request(
      { host: target.hostname, port: target.port, path: r.path, method: "POST", agent, headers: { ...r.headers, "content-length": Buffer.byteLength(r.body) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.once("end", () => done(true, res.statusCode ?? 0));
        res.once("error", () => done(false, 0));
      },
    );
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", () => done(false, 0));
    req.end(r.body);
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      // Send every request whose slot has come (timers fire late by up to a millisecond).
      while (sent < total && start + sent * interval <= now) {
        sent++;
        fire();
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now() - 0.5));
    };
    tick();
  });
  if (outstanding > 0) await allDone;
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { sent, completed: times.length, rps: times.length / seconds, latencies: Float64Array.from(times).sort(), non2xx, statuses, errors };
}
