export { computeEval, ExchangeCounter, truthRowSchema, type EvalResult, type GroupMetrics, type TruthRow, type ReportAccount } from "./eval.js";
export { runEval, readTruth, readReportAccounts } from "./run.js";
export { evalTable, evalHtml } from "./format.js";
export { sharedCardBaseline } from "./baseline.js";
