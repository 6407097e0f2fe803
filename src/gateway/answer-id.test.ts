import { describe, expect, it } from "vitest";
import { answerIdInHead } from "./server.js";

describe("answerIdInHead: the id later requests continue an answer by", () => {
  it("reads a body's first id and a stream's response.created, not the ids of the items after them", () => {
    expect(answerIdInHead('{"id":"resp_67ccd2bed1ec8190","object":"response","output":[{"type":"message","id":"msg_1"}]}')).toBe("resp_67ccd2bed1ec8190");
    const stream = 'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_abc","object":"response","output":[]}}\n\nevent: response.output_item.added\ndata: {"item":{"id":"msg_9"}}\n\n';
    expect(answerIdInHead(stream)).toBe("resp_abc");
    expect(answerIdInHead('{ "id" : "resp_spaced" }')).toBe("resp_spaced");
  });

  it("reads none from an answer without one, or whose id is not a plain bounded string", () => {
    expect(answerIdInHead('{"error":{"message":"bad"}}')).toBeNull();
    expect(answerIdInHead('{"id":"resp_\\"quoted"}')).toBeNull();
    expect(answerIdInHead(`{"id":"${"r".repeat(300)}"}`)).toBeNull();
    expect(answerIdInHead("")).toBeNull();
  });
});
