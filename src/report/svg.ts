/**
 * Minimal inline-SVG charts for the HTML reports. Hand-written because reports must open offline
 * as one self-contained file (no CDN, no JS), and the two chart kinds we need are ~80 lines.
 */
export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

export function lineChart(opts: { title: string; series: Series[]; xLabel: (x: number) => string; yLabel: (y: number) => string; width?: number; height?: number; yMax?: number }): string {
  const w = opts.width ?? 720;
  const h = opts.height ?? 260;
  const pad = { l: 60, r: 150, t: 28, b: 36 };
  const all = opts.series.flatMap((s) => s.points);
  if (all.length === 0) return `<p><em>${esc(opts.title)}: no data</em></p>`;
  const xs = all.map((p) => p[0]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const y1 = opts.yMax ?? Math.max(...all.map((p) => p[1]), 1e-9);
  const sx = (x: number): number => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const sy = (y: number): number => h - pad.b - (y / y1) * (h - pad.t - pad.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((t) => `<line x1="${pad.l}" x2="${w - pad.r}" y1="${sy(t * y1)}" y2="${sy(t * y1)}" stroke="#ddd"/><text x="${pad.l - 6}" y="${sy(t * y1) + 4}" text-anchor="end" font-size="11">${esc(opts.yLabel(t * y1))}</text>`)
    .join("");
  const xt = ticks.map((t) => `<text x="${sx(x0 + t * (x1 - x0))}" y="${h - pad.b + 16}" text-anchor="middle" font-size="11">${esc(opts.xLabel(x0 + t * (x1 - x0)))}</text>`).join("");
  const lines = opts.series
    .map((s, i) => {
      const d = s.points.map((p, j) => `${j ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join("");
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/><rect x="${w - pad.r + 10}" y="${pad.t + i * 18}" width="10" height="10" fill="${s.color}"/><text x="${w - pad.r + 24}" y="${pad.t + i * 18 + 9}" font-size="11">${esc(s.name)}</text>`;
    })
    .join("");
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(opts.title)}"><text x="${pad.l}" y="16" font-size="13" font-weight="bold">${esc(opts.title)}</text>${grid}${xt}<line x1="${pad.l}" x2="${w - pad.r}" y1="${h - pad.b}" y2="${h - pad.b}" stroke="#333"/>${lines}</svg></figure>`;
}

export function barChart(opts: { title: string; bars: Array<{ label: string; value: number; color?: string }>; format: (v: number) => string; width?: number }): string {
  const w = opts.width ?? 720;
  const rowH = 20;
  const h = 30 + opts.bars.length * rowH;
  const max = Math.max(...opts.bars.map((b) => b.value), 1e-9);
  const labelW = 340;
  const rows = opts.bars
    .map((b, i) => {
      const y = 26 + i * rowH;
      const bw = ((w - labelW - 80) * b.value) / max;
      return `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" font-size="11">${esc(b.label)}</text><rect x="${labelW}" y="${y + 2}" width="${bw.toFixed(1)}" height="${rowH - 6}" fill="${b.color ?? "#4e79a7"}"/><text x="${labelW + bw + 4}" y="${y + 13}" font-size="11">${esc(opts.format(b.value))}</text>`;
    })
    .join("");
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(opts.title)}"><text x="0" y="16" font-size="13" font-weight="bold">${esc(opts.title)}</text>${rows}</svg></figure>`;
}

export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
export { esc as escapeHtml };
