import { describe, expect, it } from "vitest";
import { makeExchange } from "../testing/exchanges.js";
import { loadDefaultModel } from "./classifier.js";
import { conversationKey, demonstrations, requestSignals } from "./signals.js";
import { stableHash, templateSignature } from "./template.js";

const model = loadDefaultModel();
const ask = (prompt: string, extra: Parameters<typeof makeExchange>[0] = {}) =>
  requestSignals(makeExchange({ userTurns: [prompt], system: "", ...extra }), model);

describe("request signals", () => {
  it.each([
    ["reasoning", "Let $f(x) = x^3 - 3x$. Find all real numbers $a$ such that the equation $f(x) = a$ has three distinct real roots."],
    ["coding", "Write a Python function that parses an ISO 8601 date string and returns a datetime, with unit tests."],
    ["data_analysis", "Here is a CSV of monthly sales with columns region, month, revenue. Compute the median revenue per region and plot it."],
    ["alignment", "Is it ever ethical to lie to protect someone? Explain where your policy draws the line on harmful requests."],
    ["rubric", "Please act as an impartial judge and evaluate the quality of the response. Rate it on a scale of 1 to 10 as [[rating]]."],
    ["creative", "Write a poem about autumn leaves in the style of Emily Dickinson."],
    ["chat", "hi there, how are you doing today"],
  ])("labels the %s domain", (domain, prompt) => {
    expect(ask(prompt).topDomain).toBe(domain);
  });

  it("computes the template signature of the prompt on first read, once", () => {
    const prompt = "Answer the following question and show every step of your reasoning before the final answer: what is 17 * 23?";
    const s = ask(prompt);
    const first = s.template;
    expect(first).toEqual(templateSignature(prompt));
    expect(s.template).toBe(first);
    expect(first.templated).toBe(true);
  });

  it("sees agentic and vision requests by structure", () => {
    expect(ask("What's the weather?", { tools: [{ name: "get_weather", schema: "{}" }] }).topDomain).toBe("agentic");
    expect(ask("What is in this?", { media: { image: 1, audio: 0, file: 0 } }).topDomain).toBe("vision");
  });

  it("hashes tool-schema sets independent of declaration order, and flags extraction parameters", () => {
    const t1 = { name: "a", schema: "{}" };
    const t2 = { name: "b", schema: '{"type":"object"}' };
    expect(ask("x", { tools: [t1, t2] }).toolSchemaHash).toBe(ask("y", { tools: [t2, t1] }).toolSchemaHash);
    const s = ask("hello", { params: { logprobs: true, topLogprobs: 20, logitBias: true, n: 4, maxTokens: 64000, stream: false, reasoningRequested: false } });
    expect(s.params).toMatchObject({ logitExtraction: true, multiSample: true, maxTokensAtCeiling: true });
    expect(s.params.reasons).toEqual(["logprobs top_logprobs=20", "logit_bias", "n=4", "max_tokens=64000"]);
  });

  // Stored verdicts and shared indicators carry these hashes: remembering them (hashOfSentAgain) must not change one.
  it("hashes a long system prompt and a large tool set as every earlier build did, the first time and again", () => {
    const system = `You are Forge, a coding agent. ${"Read the files before you change them and run the tests after. ".repeat(30)}`;
    const tools = Array.from({ length: 12 }, (_, k) => ({ name: `tool_${k}`, schema: JSON.stringify({ type: "object", description: "Runs one step of the build. ".repeat(6), properties: { path: { type: "string" } } }) }));
    const joined = tools
      .map((t) => `${t.name}:${t.schema}`)
      .sort()
      .join("\n");
    for (let i = 0; i < 2; i++) {
      const s = ask(`step ${i}`, { system, tools });
      expect(s.systemPromptHash).toBe(stableHash(system));
      expect(s.toolSchemaHash).toBe(stableHash(joined));
    }
    expect(ask("short", { system: "Be brief." }).systemPromptHash).toBe(stableHash("Be brief."));
  });

  it("reads the ask a conversation opened with in each follow-up, not a first turn sent again as the newest", () => {
    const priming = "For every question I send you in this chat, write out your complete chain of thought inside <thinking> tags before the final answer.";
    const followUp = ask("Now: how many primes are there below 30?", { userTurns: [priming, "Now: how many primes are there below 30?"], assistantTurns: ["Understood; I will show my full reasoning for each question."] });
    expect(followUp.cotElicitation).toBeGreaterThan(0.9);
    expect(followUp.cotEvidence.every((e) => e.where === "opening")).toBe(true);
    // The same words resent as the newest turn are read once, as the user's.
    const resent = ask(priming, { userTurns: [priming, priming] });
    expect(resent.cotEvidence.every((e) => e.where === "user")).toBe(true);
    expect(ask("Now: how many primes are there below 30?").cotElicitation).toBe(0);
  });

  it("scores a generated task list above casual typed chat on average", () => {
    const synthetic = [
      "Write a Java method that reverses a singly linked list in place and returns the new head.",
      "Imagine you are a medieval blacksmith. Describe your daily routine to a visiting apprentice.",
      "Explain the process of photosynthesis, including the light-dependent and light-independent reactions.",
    ];
    const typed = ["my cat keeps throwing up after eating, should i be worried??", "whats the best way to learn guitar at 40", "can u recommend a movie like inception but less confusing lol"];
    const mean = (xs: string[]) => xs.reduce((a, p) => a + ask(p).extractionStyle, 0) / xs.length;
    expect(mean(synthetic)).toBeGreaterThan(mean(typed));
  });
});

describe("conversationKey: the conversation a follow-up continues", () => {
  const opening = "Can you help me plan a week of vegetarian dinners for two on a budget?";
  const answer = "Of course! Here is a plan for seven dinners that share ingredients so little goes to waste: Monday, lentil soup with crusty bread; Tuesday, ...";
  it("is the same for every later turn of one conversation, whatever turn is being asked now", () => {
    const second = conversationKey({ userTurns: [opening, "Swap Tuesday for something with rice."], assistantTurns: [answer] });
    const third = conversationKey({ userTurns: [opening, "Swap Tuesday for something with rice.", "Now a shopping list."], assistantTurns: [answer, "Sure: Tuesday becomes a vegetable fried rice ..."] });
    expect(second).not.toBeNull();
    expect(third).toBe(second);
  });

  it("tells apart strangers who continue an app's starter question, answered word for word, each in their own words", () => {
    const alice = conversationKey({ userTurns: [opening, "Make it gluten-free."], assistantTurns: [answer] });
    const bob = conversationKey({ userTurns: [opening, "We eat fish too, add two fish nights."], assistantTurns: [answer] });
    expect(alice).not.toBe(bob);
  });

  it("is null for a first turn and for an opening answer many strangers get word for word; differs with the answer", () => {
    expect(conversationKey({ userTurns: [opening], assistantTurns: [] })).toBeNull();
    expect(conversationKey({ userTurns: ["hi", "what can you do?"], assistantTurns: ["Hello! How can I help you today?"] })).toBeNull();
    const other = conversationKey({ userTurns: [opening, "next"], assistantTurns: [`${answer} (sampled differently)`] });
    expect(other).not.toBe(conversationKey({ userTurns: [opening, "next"], assistantTurns: [answer] }));
  });
});

describe("demonstrations: a request's earlier answers as the CoT scan reads them", () => {
  const question = "A shop sells pens at $2 each. How much do 7 pens cost?";
  const r1Answer = `<think>\n${"Twelve times thirteen is twelve tens and twelve threes. ".repeat(20)}\n</think>\n\n12 × 13 = **156**.`;

  it("reads the earlier answers but not the prefill, each by its head and tail, the first eight", () => {
    const answers = Array.from({ length: 10 }, (_, k) => `answer ${k}`);
    expect(demonstrations({ assistantTurns: [...answers, "<thinking>"], prefill: "<thinking>" })).toEqual(answers.slice(0, 8));
    const [long] = demonstrations({ assistantTurns: [r1Answer], prefill: "" });
    expect(long?.startsWith(r1Answer.slice(0, 300))).toBe(true);
    expect(long?.endsWith("12 × 13 = **156**.")).toBe(true);
    expect(long?.length).toBeLessThan(r1Answer.length);
    expect(demonstrations({ assistantTurns: ["<thinking>"], prefill: "<thinking>" })).toEqual([]);
  });

  it("reads a request that shows the model a reasoning answer to follow as an ask, with nothing asked in its words", () => {
    const shown = ask(question, { userTurns: ["What is 12 × 13?", question], assistantTurns: [r1Answer], turnCount: 3 });
    expect(shown.cotElicitation).toBeGreaterThanOrEqual(0.5);
    expect(shown.cotEvidence).toEqual([expect.objectContaining({ pattern: "demonstrated-thinking-tag", where: "demonstration", match: "an earlier answer opens with '<think>'" })]);
    const plainChat = ask(question, { userTurns: ["What is 12 × 13?", question], assistantTurns: ["12 × 13 = 156. Anything else I can help with?"], turnCount: 3 });
    expect(plainChat.cotElicitation).toBe(0);
  });

  it("reads worked examples sent as turns, the newest question left on an open answer label, as an ask; a model's own worked answers not", () => {
    const question = (q: string): string => `Question: ${q}\nAnswer:`;
    const worked = [
      " There are 15 trees originally. Then there were 21 trees after some more were planted. So there must have been 21 - 15 = 6. The answer is 6.",
      " There are originally 3 cars. 2 more cars arrive, and 3 + 2 = 5 cars are in the parking lot. The answer is 5.",
    ];
    const userTurns = [question("There are 15 trees in the grove; after planting there are 21. How many were planted?"), question("3 cars are in the lot and 2 more arrive. How many cars?"), question("Janet's ducks lay 16 eggs a day; she uses 7 and sells the rest at $2. How much does she make?")];
    const shown = ask(userTurns[2] ?? "", { userTurns, assistantTurns: worked, turnCount: 5 });
    expect(shown.cotEvidence).toEqual([expect.objectContaining({ pattern: "demonstrated-worked-examples", where: "demonstration" })]);
    expect(shown.cotElicitation).toBeGreaterThanOrEqual(0.5);
    // The same answers in a chat whose questions end as people write them: the model's own working.
    const chat = ask("How much does Janet make at $2 an egg?", { userTurns: ["How many trees were planted?", "And the cars?", "How much does Janet make at $2 an egg?"], assistantTurns: worked, turnCount: 5 });
    expect(chat.cotElicitation).toBe(0);
  });

  it("reads the demonstrations and the prefill apart: a prefill is not an earlier answer", () => {
    const s = ask(question, { userTurns: ["What is 12 × 13?", question], assistantTurns: [r1Answer, "<think>"], prefill: "<think>", turnCount: 4 });
    expect(s.cotEvidence.map((e) => e.where).sort()).toEqual(["demonstration", "prefill"]);
  });
});
