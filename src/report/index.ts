export { buildReportJson, type HuntReportJson } from "./json.js";
export { reportHtml, accountsCsv } from "./html.js";
export { lineChart, barChart, escapeHtml, PALETTE, type Series } from "./svg.js";
export { textTable } from "./text.js";
