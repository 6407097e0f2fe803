import type { WireApi } from "../core/index.js";

/** Stable codes clients can branch on; the one table mapping them to HTTP status and error types. */
export const GATEWAY_ERRORS = {
  invalid_json: { status: 400, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  malformed_http: { status: 400, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  request_timeout: { status: 408, openai: "invalid_request_error", anthropic: "timeout_error" },
  headers_too_large: { status: 431, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  invalid_request: { status: 400, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  logprobs_refused: { status: 400, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  unauthorized: { status: 401, openai: "invalid_request_error", anthropic: "authentication_error" },
  verification_required: { status: 403, openai: "permission_error", anthropic: "permission_error" },
  account_suspended: { status: 403, openai: "permission_error", anthropic: "permission_error" },
  cluster_banned: { status: 403, openai: "permission_error", anthropic: "permission_error" },
  not_found: { status: 404, openai: "invalid_request_error", anthropic: "not_found_error" },
  method_not_allowed: { status: 405, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  body_too_large: { status: 413, openai: "invalid_request_error", anthropic: "request_too_large" },
  unsupported_media_type: { status: 415, openai: "invalid_request_error", anthropic: "invalid_request_error" },
  rate_limited: { status: 429, openai: "rate_limit_error", anthropic: "rate_limit_error" },
  upstream_unreachable: { status: 502, openai: "server_error", anthropic: "api_error" },
  upstream_not_configured: { status: 503, openai: "server_error", anthropic: "api_error" },
  upstream_timeout: { status: 504, openai: "server_error", anthropic: "api_error" },
  internal: { status: 500, openai: "server_error", anthropic: "api_error" },
} as const;
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** Which error shape a response takes: the API's own for its endpoints, OpenAI's for ours. */
export type ErrorShape = WireApi | "hydrasentry";

export interface GatewayErrorBody {
  status: number;
  body: Record<string, unknown>;
}

/**
 * An error on the connection before any request is read (a client too slow to send its headers, a
 * request line the parser rejects): the path, and so the API, is unknown, so the body carries both
 * shapes' fields (Anthropic's top-level "type", OpenAI's error object) for either API's clients to read.
 */
export function connectionErrorBody(code: GatewayErrorCode, message: string): GatewayErrorBody {
  const { status, body } = errorBody("hydrasentry", code, message);
  return { status, body: { type: "error", ...body } };
}

export function errorBody(shape: ErrorShape, code: GatewayErrorCode, message: string, extra: Record<string, unknown> = {}): GatewayErrorBody {
  const e = GATEWAY_ERRORS[code];
  if (shape === "anthropic.messages") {
    return { status: e.status, body: { type: "error", error: { type: e.anthropic, message, code, ...extra } } };
  }
  return { status: e.status, body: { error: { message, type: e.openai, param: null, code, ...extra } } };
}
