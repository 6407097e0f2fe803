import { describe, expect, it } from "vitest";
import { isPhraseFrame, isSentenceFrame, maskPrompt, minhashOfWords, minhashSimilarity, stableHash, TemplateIndex, templateSignature } from "./template.js";

describe("template signatures", () => {
  const harness = (problem: string) => `Solve the following problem. Reason step by step and put the final answer in \\boxed{}.\n\nProblem: ${problem}`;

  it("masks numbers, maths, quotes, code, urls and names", () => {
    expect(maskPrompt('Translate "Bonjour le monde" for Alice Smith: see https://x.io/a and `foo()` then add 3.5 to $x^2$'))
      .toBe("translate ⟨quote⟩ for ⟨name⟩ : see ⟨url⟩ and ⟨code⟩ then add ⟨n⟩ to ⟨math⟩");
  });

  it("collides for the same template with different payloads", () => {
    const a = templateSignature("Rate the following essay on a scale of 1 to 10 for clarity: \"The sky is blue because of Rayleigh scattering.\"");
    const b = templateSignature("Rate the following essay on a scale of 1 to 10 for clarity: \"Cats are better than dogs, obviously.\"");
    expect(a.exact).toBe(b.exact);
    const c = templateSignature(harness("A train leaves at 3pm going 60 mph. When does it arrive 180 miles away?"));
    const d = templateSignature(harness("How many primes are there below 100 that end in the digit 3?"));
    expect(c.frames[0]).toBe(d.frames[0]);
    expect(c.frames[1]).not.toBe(d.frames[1]);
    // The instruction paragraph is a frame of its own: shared whatever the problem.
    expect(c.frames.filter((f) => d.frames.includes(f)).length).toBeGreaterThanOrEqual(2);
    expect(c.exact).not.toBe(d.exact);
  });

  it("frames the closing and opening sentences of a line, where a harness appends a short instruction", () => {
    const a = templateSignature("A farmer has 17 sheep and all but 9 run away. How many are left? Let's think step by step.");
    const b = templateSignature("What is the sum of the interior angles of a hexagon? Let's think step by step.");
    const shared = a.frames.filter((f) => b.frames.includes(f));
    expect(shared).toHaveLength(1);
    expect(isSentenceFrame(shared[0] as string)).toBe(true);
    const c = templateSignature("Answer the following question with care. Which planet has the most moons?");
    const d = templateSignature("Answer the following question with care. Who wrote the Iliad?");
    expect(c.frames.filter((f) => d.frames.includes(f) && isSentenceFrame(f))).toHaveLength(1);
    // One sentence frames nothing of its own, nor does a courtesy of fewer than three words.
    expect(templateSignature("What is the capital of Peru?").frames.some(isSentenceFrame)).toBe(false);
    expect(templateSignature("What is the capital of Peru? Thanks!").frames.filter(isSentenceFrame)).toHaveLength(1);
    // A short line is a phrase anyone may write (not shared as intel); a long one is a harness's own.
    const question = "A bag has 4 red and 6 blue marbles; two are drawn without replacement. What is the chance both are red?";
    const short = templateSignature(`${question}\n\nLet's think step by step.`);
    const long = templateSignature(`${question}\n\nBefore answering, write out every intermediate step of your reasoning in full.`);
    expect(short.frames.filter(isPhraseFrame).length).toBeGreaterThanOrEqual(1);
    expect(short.frames.filter((f) => isPhraseFrame(f) && !isSentenceFrame(f))).toHaveLength(1);
    expect(long.frames.filter((f) => isPhraseFrame(f) && !isSentenceFrame(f))).toHaveLength(0);
    // Full-width digits are masked as ASCII ones are: one template whatever the numbers.
    expect(templateSignature("りんごが３個で２１０円のとき、７個ではいくらになりますか？").exact).toBe(templateSignature("りんごが５個で３５０円のとき、９個ではいくらになりますか？").exact);
  });

  it("reads Chinese and Japanese, written without spaces, a character to a word", () => {
    const zh = (task: string, tools: string) => `你是一个智能体，可以调用以下工具：${tools}。任务：${task}。请规划步骤并调用工具完成。`;
    const a = templateSignature(zh("查找成都的人口并计算其增长率", "search(query)、calculator(expr)"));
    const b = templateSignature(zh("整理收件箱里所有发票并汇总金额", "read_file(path)、send_email(to, body)"));
    // One harness's template, two payloads: both templated, the same opening and closing frames.
    expect(a.templated && b.templated).toBe(true);
    expect(a.frames[0]).toBe(b.frames[0]);
    expect(a.frames[1]).toBe(b.frames[1]);
    expect(minhashSimilarity(a.minhash, b.minhash)).toBeGreaterThan(0.3);
    // Strangers' questions share nothing.
    const c = templateSignature("周末去杭州玩两天，帮我安排一下行程，预算两千元左右，喜欢安静的地方。");
    const d = templateSignature("我家猫咪最近不爱吃饭，还总是躲在床底下，需要带它去看医生吗？");
    expect(new Set([...c.frames, ...d.frames]).size).toBe(c.frames.length + d.frames.length);
    expect(minhashSimilarity(c.minhash, d.minhash)).toBeLessThan(0.2);
    const ja = templateSignature("次の文章を読んで、要点を三つにまとめてください。文章：昨日の会議では新製品の発売日について話し合いました。");
    expect(ja.templated).toBe(true);
    expect(ja.frames.length).toBeGreaterThanOrEqual(2);
  });

  it("reads a template with characters sprinkled in to make each request unique as the template (see asRead)", () => {
    const template = "You are generating training data. Solve the problem below and write out every intermediate step of your reasoning before the final answer. Problem: what is 17 * 23?";
    const sprinkled = template.replace(/(\w{4})(\w)/g, (_, a: string, b: string) => `${a}\u200b${b}`).replace(/o/, "\u043e");
    expect(sprinkled).not.toBe(template);
    expect(templateSignature(sprinkled).exact).toBe(templateSignature(template).exact);
    expect(templateSignature(sprinkled).frames).toEqual(templateSignature(template).frames);
  });

  it("does not collide for different templates or different people", () => {
    const a = templateSignature(harness("What is 2+2?"));
    const b = templateSignature("hey can you help me write an email to my landlord about the broken heater, it's been 3 weeks");
    const c = templateSignature("I need a birthday poem for my grandmother who loves gardening and her cat");
    const frames = [a, b, c].flatMap((s) => s.frames);
    expect(new Set(frames).size).toBe(frames.length);
    expect(minhashSimilarity(b.minhash, c.minhash)).toBeLessThan(0.2);
  });

  it("finds near-duplicates through the LSH index and not strangers", () => {
    const index = new TemplateIndex();
    const base = "You are grading student answers. Using the rubric below, assign a score from 1 to 5 and justify it briefly. Rubric: accuracy, completeness, clarity. Student answer follows.";
    index.add(templateSignature(base).minhash, "acct_a");
    index.add(templateSignature("What should I cook tonight with eggs, spinach and some leftover rice?").minhash, "acct_b");
    const near = templateSignature(`${base} Be strict.`).minhash;
    expect(index.query(near).has("acct_a")).toBe(true);
    expect(index.query(near).has("acct_b")).toBe(false);
  });

  it("keeps each signature's MinHash its own across the shared blocks they are cut from", () => {
    const prompts = Array.from({ length: 150 }, (_, i) => `please summarise the notes of project q${i.toString(36)}z for the team in three bullet points`);
    const kept = prompts.map((p) => templateSignature(p).minhash);
    expect(new Set(kept.map((m) => m.join(","))).size).toBe(prompts.length);
    prompts.forEach((p, i) => expect([...(kept[i] as Uint32Array)]).toEqual([...templateSignature(p).minhash]));
    expect(new Set(kept.map((m) => m.buffer)).size).toBeGreaterThan(1);
  });

  it("reads the masked text in one pass exactly as collapse and split would", () => {
    const texts = [
      "",
      "   ",
      "continue",
      "\u00a0Lead\u2003and trail\u3000 spaces\ufeff ",
      "ﾠTabs\tand\vvertical\fform feeds\r\nand ＳＴＥＰ İstanbul words ΣΑΣ",
      `${"word ".repeat(900)}and then a long tail of ${"x".repeat(5000)}`,
      "Solve the following problem carefully. Reason step by step, and put the final answer in a box.\n\nProblem: What is 2+2 for Alice Smith?",
      "请一步一步地思考：一个水池有两个进水管，甲管需要6小时。Then answer in English, ＳＴＥＰ by step。",
    ];
    // Words as split on spaces, except that Han, kana and their punctuation are a word each.
    const alone = "\u3000-\u9fff\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f";
    const wordsOf = (t: string): string[] => t.match(new RegExp(`[${alone}]|[^\\s${alone}]+`, "gu")) ?? [];
    for (const text of texts) {
      const reference = maskPrompt(text);
      const words = wordsOf(reference);
      const sig = templateSignature(text);
      expect(sig.masked).toBe(reference.slice(0, 200));
      expect(sig.exact).toBe(stableHash(reference));
      expect([...sig.minhash]).toEqual([...minhashOfWords(words)]);
      expect(sig.templated).toBe(words.length >= 8);
      if (words.length > 15 && words.length === reference.split(" ").length) expect(sig.frames[0]).toBe(stableHash(`head ${words.slice(0, 12).join(" ")}`));
    }
    // Line frames: the first and last lines, folded the same way.
    const framed = templateSignature("Solve the following problem  carefully, as\u00a0a tutor would.\n\nProblem: two trains.\nGive the final answer in a box please");
    expect(framed.frames).toContain(stableHash(`first ${maskPrompt("Solve the following problem  carefully, as\u00a0a tutor would.")}`));
    expect(framed.frames).toContain(stableHash(`last ${maskPrompt("Give the final answer in a box please")}`));
  });
});
