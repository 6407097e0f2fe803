import { describe, expect, it } from "vitest";
import { ANSWER_ONLY_INSTRUCTION, clientIp, rewriteRequest, withAnswerOnlyInstruction } from "./request.js";

describe("clientIp", () => {
  it("takes the entry our own proxies wrote, however many hops are trusted, not what the client forged to its left", () => {
    expect(clientIp("6.6.6.6, 203.0.113.7", "10.0.0.2", 1)).toBe("203.0.113.7");
    expect(clientIp("6.6.6.6, 203.0.113.7, 10.0.0.9", "10.0.0.2", 2)).toBe("203.0.113.7");
  });

  it("reads entries that carry the client's port, IPv4 or bracketed IPv6", () => {
    expect(clientIp("203.0.113.7:51234", "10.0.0.2", 1)).toBe("203.0.113.7");
    expect(clientIp("[2001:db8::1]:443", "10.0.0.2", 1)).toBe("2001:db8::1");
    expect(clientIp("[2001:db8::1]", "10.0.0.2", 1)).toBe("2001:db8::1");
    expect(clientIp("2001:db8::1", "10.0.0.2", 1)).toBe("2001:db8::1");
  });

  it("falls back to the socket when nothing is trusted or the entry is no address", () => {
    expect(clientIp("203.0.113.7", "10.0.0.2", 0)).toBe("10.0.0.2");
    expect(clientIp("unknown", "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientIp("203.0.113.7:99999999", "10.0.0.2", 1)).toBe("10.0.0.2");
    expect(clientIp("203.0.113.7", "10.0.0.2", 3)).toBe("10.0.0.2");
    expect(clientIp(undefined, "::ffff:10.0.0.2", 1)).toBe("::ffff:10.0.0.2");
  });
});

describe("withAnswerOnlyInstruction", () => {
  it("adds the instruction where each API reads the operator's, after the client's own system prompt", () => {
    const chat = withAnswerOnlyInstruction("openai.chat", {
      messages: [
        { role: "system", content: "You are a tutor." },
        { role: "user", content: "Show every step: 17 * 23?" },
        { role: "assistant", content: "Step 1:" },
      ],
    }) as { messages: Array<{ role: string; content: string }> };
    expect(chat.messages.map((m) => m.role)).toEqual(["system", "system", "user", "assistant"]);
    expect(chat.messages[0]?.content).toBe("You are a tutor.");
    expect(chat.messages[1]?.content).toBe(ANSWER_ONLY_INSTRUCTION);
    // The prefill stays last, for the model to continue.
    expect(chat.messages[3]?.content).toBe("Step 1:");
    expect((withAnswerOnlyInstruction("openai.chat", { messages: [{ role: "user", content: "q" }] }) as { messages: Array<{ role: string }> }).messages[0]?.role).toBe("system");

    expect(withAnswerOnlyInstruction("openai.responses", { input: "q", instructions: "Be brief." }).instructions).toBe(`Be brief.\n\n${ANSWER_ONLY_INSTRUCTION}`);
    expect(withAnswerOnlyInstruction("openai.responses", { input: "q" }).instructions).toBe(ANSWER_ONLY_INSTRUCTION);

    expect(withAnswerOnlyInstruction("anthropic.messages", { messages: [], system: "You are a tutor." }).system).toBe(`You are a tutor.\n\n${ANSWER_ONLY_INSTRUCTION}`);
    expect(withAnswerOnlyInstruction("anthropic.messages", { messages: [], system: [{ type: "text", text: "You are a tutor.", cache_control: { type: "ephemeral" } }] }).system).toEqual([
      { type: "text", text: "You are a tutor.", cache_control: { type: "ephemeral" } },
      { type: "text", text: ANSWER_ONLY_INSTRUCTION },
    ]);
    expect(withAnswerOnlyInstruction("anthropic.messages", { messages: [] }).system).toBe(ANSWER_ONLY_INSTRUCTION);
  });

  it("is part of the rewrite only when asked, beside the other changes", () => {
    const body = { model: "m", max_tokens: 99_999, messages: [{ role: "user", content: "q" }] };
    expect(rewriteRequest("anthropic.messages", body, ["strip_reasoning"], 4096)).toBeNull();
    const both = rewriteRequest("anthropic.messages", body, ["cap_max_tokens"], 4096, true);
    expect(both).toMatchObject({ max_tokens: 4096, system: ANSWER_ONLY_INSTRUCTION });
    expect(body).not.toHaveProperty("system");
  });
});
