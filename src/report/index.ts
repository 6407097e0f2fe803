export { buildReportJson, type HuntReportJson } from "./json.js";
export { reportHtml, accountsCsvLines } from "./html.js";
export { prettyJsonPieces, writeTextFile } from "./text-file.js";
export { lineChart, barChart, escapeHtml, PALETTE, type Series } from "./svg.js";
export { textTable } from "./text.js";
export { readReportArray, readReportClusters, type ReportArray } from "./read.js";
