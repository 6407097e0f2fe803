export { requestSignals, conversationKey, conversationOpening, openingTurn, prefillHead, takeTurn, CONVERSATION_MEMORY_MS, CONVERSATION_SESSION_GAP_MS, type ConversationTurn, type RequestSignals } from "./signals.js";
export { cotElicitation, COT_HIT, type CotEvidence, type CotResult } from "./cot.js";
export { domainScores, topDomain, DOMAINS, type Domain, type DomainScores } from "./domains.js";
export { templateSignature, maskPrompt, minhashSimilarity, lshBands, TemplateIndex, stableHash, MINHASH_SIZE, type TemplateSignature } from "./template.js";
export { asksMaxReasoning, extractionParams, type ExtractionParams } from "./params.js";
export { ExtractionStyleModel, loadDefaultModel, DEFAULT_MODEL_PATH } from "./classifier.js";
export { classifyStream, signalsJson } from "./classify.js";
export { AccountState, scoreAccount, isCovered, coverHolds, isYoungUnverified, isEstablishedAt, hourEntropyOf, utcHour, type AccountFeatures, type AccountScore } from "./account.js";
export { NO_INTEL, type IntelMatch, type IntelMatcher } from "./intel-match.js";
