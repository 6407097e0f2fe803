import type { MiddlewareHandler } from "hono";

/**
 * Resolves once the current turn of the event loop is over (in its check phase), the same promise
 * for every caller of that turn, so what they do next runs back to back.
 */
export class TurnBarrier {
  #turn: Promise<void> | null = null;

  endOfTurn(): Promise<void> {
    this.#turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#turn = null;
        resolve();
      }),
    );
    return this.#turn;
  }
}

/**
 * Holds each answer until the end of the event-loop turn it was ready in, then every answer of that
 * turn is written together: flush consolidation, as Netty's FlushConsolidationHandler does. Why:
 * a socket write that finds the reading process asleep pays for waking it (an inter-processor
 * interrupt; on a VM, an exit to the hypervisor), and under load the caller sleeps between answers,
 * so written one by one every answer paid it. Measured on this 2-core VM with 32 connections to
 * `/v1/decisions`, the build before against this one in interleaved runs: 220–224 → 156–173 µs of
 * gateway CPU per decision (with the policy change of the same session). Node's `res.end()` uncorks the socket
 * itself, so corking sockets cannot do this; the wait has to come before the answer is handed to
 * node. A turn with one request (light load) waits for nothing but the turn's own end.
 */
export function coalescedAnswers(barrier: TurnBarrier = new TurnBarrier()): MiddlewareHandler {
  return async function coalescedAnswers(_c, next) {
    await next();
    await barrier.endOfTurn();
  };
}
