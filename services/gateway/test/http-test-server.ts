import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { RequestClasses } from '@switchyard/telemetry';

/** An express app listening on a free loopback port, for tests that talk HTTP to it. */
export type TestServer = {
  readonly url: string;
  close(): Promise<void>;
};

/**
 * Serves `app` on a free loopback port: through `app.listen`, or — given the gateway's
 * `requestClasses` — through a server built the way the service builds its own.
 */
export function listen(app: Express, classes?: RequestClasses): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const onListening = (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    };
    const server: Server =
      classes === undefined
        ? app.listen(0, '127.0.0.1', onListening)
        : createServer(
            {
              IncomingMessage: classes.IncomingMessage,
              ServerResponse: classes.ServerResponse as typeof ServerResponse,
            },
            app,
          ).listen(0, '127.0.0.1', () => onListening());
  });
}

/** Polls `check` until it holds or `timeoutMs` passes; for effects that land asynchronously. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
