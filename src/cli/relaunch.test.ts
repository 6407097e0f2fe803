import { describe, expect, it } from "vitest";
import { missingNodeFlags } from "./relaunch.js";

describe("missingNodeFlags", () => {
  const wanted = ["--max-semi-space-size=32"];

  it("asks for the flag when neither the command line nor NODE_OPTIONS sets it", () => {
    expect(missingNodeFlags(wanted, ["--enable-source-maps"], undefined)).toEqual(["--max-semi-space-size=32"]);
    expect(missingNodeFlags(wanted, [], "--max-old-space-size=4096")).toEqual(["--max-semi-space-size=32"]);
  });

  it("leaves a value already given alone, whatever it is, so a relaunched child does not relaunch again", () => {
    expect(missingNodeFlags(wanted, ["--max-semi-space-size=32"], undefined)).toEqual([]);
    expect(missingNodeFlags(wanted, ["--max-semi-space-size=8"], undefined)).toEqual([]);
    expect(missingNodeFlags(wanted, [], "--inspect  --max-semi-space-size=64")).toEqual([]);
  });
});
