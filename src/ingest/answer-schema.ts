import { isJsonObject } from "../core/index.js";

type Obj = Record<string, unknown>;

/** Fields read of a demanded answer, and of an array's items: a schema past these is read by its head, as a prompt is. */
const MAX_FIELDS = 32;
const MAX_ITEM_FIELDS = 16;
const MAX_NAME_CHARS = 64;
const MAX_DESCRIPTION_CHARS = 200;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `#/$defs/Step` or `#/definitions/Step` within the same schema (what Pydantic and zod-to-json-schema write for nested models). */
function resolved(node: unknown, root: Obj): Obj | undefined {
  if (!isJsonObject(node)) return undefined;
  const ref = str(node.$ref);
  if (ref === undefined) return node;
  const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  const defs = m ? root[m[1] as string] : undefined;
  const target = isJsonObject(defs) ? defs[m?.[2] as string] : undefined;
  return isJsonObject(target) ? target : undefined;
}

/**
 * A field's name as one token of the rendering: its own characters where plain, `_` for anything that
 * would break a line's form. The gateway reads an answer's keys through it to find the rendered field.
 */
export const answerFieldName = (name: string): string => name.slice(0, MAX_NAME_CHARS).replace(/[^\p{L}\p{N}_.-]/gu, "_");

/**
 * An object schema's fields, one per line in the order the schema lists them (the order a model writes
 * them in under structured outputs): `name`, then `[a,b]` for an array of objects (its items' fields),
 * then `: description`. Undefined when the schema names no fields.
 */
export function renderAnswerSchema(schema: unknown): string | undefined {
  const root = resolved(schema, isJsonObject(schema) ? schema : {});
  if (!root || !isJsonObject(root.properties)) return undefined;
  const lines: string[] = [];
  for (const [name, raw] of Object.entries(root.properties).slice(0, MAX_FIELDS)) {
    const field = resolved(raw, root) ?? {};
    const items = resolved(field.items, root);
    const itemFields = items && isJsonObject(items.properties) ? Object.keys(items.properties).slice(0, MAX_ITEM_FIELDS).map(answerFieldName) : [];
    // Its description only: a title is the name again as a library writes it (Pydantic's "Chain Of Thought"), no instruction.
    const description = (str(field.description) ?? "").replace(/\s+/g, " ").trim().slice(0, MAX_DESCRIPTION_CHARS);
    lines.push(`${answerFieldName(name)}${itemFields.length > 0 ? `[${itemFields.join(",")}]` : ""}${description ? `: ${description}` : ""}`);
  }
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** The named tool's parameter schema among the request's tools (OpenAI chat nests it under `function`). */
function toolSchema(tools: unknown, name: string | undefined, schemaKey: "parameters" | "input_schema"): unknown {
  if (!Array.isArray(tools)) return undefined;
  const declared = tools.filter(isJsonObject).map((t) => (isJsonObject(t.function) ? t.function : t));
  // `required` / `any` with one tool declared makes the model call that one.
  const tool = name === undefined ? (declared.length === 1 ? declared[0] : undefined) : declared.find((t) => t.name === name);
  return tool?.[schemaKey];
}

/** A `{type: "json_schema", …}` format's schema: OpenAI chat nests it under `json_schema`, the Responses API and Anthropic do not. */
function jsonSchemaFormat(format: unknown): unknown {
  if (!isJsonObject(format) || format.type !== "json_schema") return undefined;
  return isJsonObject(format.json_schema) ? format.json_schema.schema : format.schema;
}

/**
 * The tool a request makes the model call, by its `tool_choice`: OpenAI chat `{type: "function",
 * function: {name}}`, the Responses API `{type: "function", name}`, Anthropic `{type: "tool", name}`;
 * `required` (OpenAI) or `{type: "any"}` (Anthropic) with one tool. Null when the model may answer in words.
 */
function forcedTool(choice: unknown): { name: string | undefined } | null {
  if (choice === "required") return { name: undefined };
  if (!isJsonObject(choice)) return null;
  if (choice.type === "any") return { name: undefined };
  if (choice.type !== "function" && choice.type !== "tool") return null;
  const name = str(choice.name) ?? (isJsonObject(choice.function) ? str(choice.function.name) : undefined);
  return name === undefined ? null : { name };
}

/**
 * The structured answer a request demands, rendered (see renderAnswerSchema): the response format's
 * JSON schema (OpenAI chat `response_format`, the Responses API `text.format`, Anthropic
 * `output_config.format` and the beta `output_format`), else the parameters of a tool the model is
 * made to call. Undefined when the answer is free text, or JSON with no schema (json_object mode).
 */
export function demandedAnswer(api: "openai.chat" | "openai.responses" | "anthropic.messages", req: Obj): string | undefined {
  const format =
    api === "openai.chat"
      ? jsonSchemaFormat(req.response_format)
      : api === "openai.responses"
        ? jsonSchemaFormat(isJsonObject(req.text) ? req.text.format : undefined)
        : (jsonSchemaFormat(isJsonObject(req.output_config) ? req.output_config.format : undefined) ?? jsonSchemaFormat(req.output_format));
  if (format !== undefined) return renderAnswerSchema(format);
  const forced = forcedTool(req.tool_choice);
  if (forced === null) return undefined;
  return renderAnswerSchema(toolSchema(req.tools, forced.name, api === "anthropic.messages" ? "input_schema" : "parameters"));
}
