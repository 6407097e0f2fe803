import type { Exchange } from "../core/index.js";
import { InputOutOfOrder, readInTimeOrder, type OrderedReadOptions, type OrderedReadState } from "./pipeline.js";
import { readSorted, type SortedReadOptions } from "./sort.js";
import type { InputSource } from "./source.js";

/** How one pass reads a log: as a stream (it is in time order) or through the external sort. */
export type LogOrder = "stream" | "sort";

/**
 * Runs `pass` over a log read in time order with the hunt's de-duplication, whatever order its lines
 * are in. A log in time order, as providers write them, is read once as a stream; one in another
 * order (grouped by account, shuffled, newest first) gives itself away within its first thousands of
 * exchanges (InputOutOfOrder), and `pass` runs again from scratch on the sorted read. stdin cannot be
 * read twice, so it is sorted from the start. `pass` must open its sources itself and keep no state
 * from an abandoned attempt.
 */
export async function inTimeOrder<T>(inputs: readonly string[], pass: (order: LogOrder) => Promise<T>): Promise<T> {
  if (!inputs.includes("-")) {
    try {
      return await pass("stream");
    } catch (err) {
      if (!(err instanceof InputOutOfOrder)) throw err;
    }
  }
  return pass("sort");
}

/** The batches of one pass of inTimeOrder. */
export function timeOrderedBatches(
  sources: readonly InputSource[],
  order: LogOrder,
  opts: Omit<OrderedReadOptions, "failWhenOutOfOrder" | "reorderWindowMs"> & Pick<SortedReadOptions, "runExchanges">,
  state: OrderedReadState,
): AsyncGenerator<Exchange[]> {
  return order === "stream" ? readInTimeOrder(sources, { ...opts, failWhenOutOfOrder: true }, state) : readSorted(sources, opts, state);
}
