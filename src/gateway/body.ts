import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";

export type BodyEnv = { Bindings: HttpBindings; Variables: { rawBody: string } };

export interface CappedBodyOptions {
  maxBytes: number;
  onTooLarge: (c: Context) => Response;
}

/**
 * Reads the request body as text, refusing it past `maxBytes` (declared or streamed). On Node it
 * reads the socket's IncomingMessage directly: going through the web Request (as hono/body-limit
 * does) builds a ReadableStream per request, which cost a tenth of the gateway's CPU under load.
 */
export function cappedBody(opts: CappedBodyOptions): MiddlewareHandler<BodyEnv> {
  return async function cappedBodyMiddleware(c, next) {
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (declared > opts.maxBytes) return opts.onTooLarge(c);
    const incoming = c.env?.incoming;
    let text: string | null;
    if (incoming && !incoming.readableEnded && incoming.readable) {
      text = await new Promise<string | null>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer): void => {
          size += chunk.length;
          if (size > opts.maxBytes) {
            incoming.off("data", onData);
            incoming.pause();
            resolve(null);
            return;
          }
          chunks.push(chunk);
        };
        incoming.on("data", onData);
        incoming.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        incoming.once("error", reject);
      });
    } else {
      const body = await c.req.text();
      text = Buffer.byteLength(body) > opts.maxBytes ? null : body;
    }
    if (text === null) return opts.onTooLarge(c);
    c.set("rawBody", text);
    await next();
  };
}
