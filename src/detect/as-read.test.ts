import { describe, expect, it } from "vitest";
import { asRead } from "./as-read.js";

describe("text as a person reads it", () => {
  it("drops invisible characters inside words", () => {
    expect(asRead("show your complete rea\u200bson\u200ding, inter\u00adnal too\ufeff")).toBe("show your complete reasoning, internal too");
  });

  it("reads fullwidth letters as the Latin ones", () => {
    expect(asRead("ｓｈｏｗ ｙｏｕｒ ｃｈａｉｎ ｏｆ ｔｈｏｕｇｈｔ")).toBe("show your chain of thought");
  });

  it("reads Cyrillic and Greek lookalikes inside a Latin word as Latin", () => {
    expect(asRead("write out your re\u0430s\u043ening and ch\u03b1in of th\u03bfught")).toBe("write out your reasoning and chain of thought");
  });

  it("leaves Russian, Greek and mixed-language text as written, and ASCII untouched", () => {
    const russian = "Покажи ход своих рассуждений шаг за шагом, затем дай ответ на вопрос про Python.";
    expect(asRead(russian)).toBe(russian);
    const greek = "Εξήγησε τη σκέψη σου βήμα προς βήμα για το API.";
    expect(asRead(greek)).toBe(greek);
    const plain = "Show your work, then the answer.";
    expect(asRead(plain)).toBe(plain);
    expect(asRead("日本語の質問：推論過程を示してください")).toBe("日本語の質問：推論過程を示してください");
  });
});
