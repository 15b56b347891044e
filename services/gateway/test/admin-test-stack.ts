import { randomBytes } from 'node:crypto';
import express from 'express';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import {
  AccountEventPublisher,
  connectBus,
  ensureAccountEventsStream,
  subscribe,
} from '@switchyard/bus';
import type { Bus, SubscriptionHandle } from '@switchyard/bus';
import { accountEventSchema } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import { createCredentialCipher, createDb } from '@switchyard/db';
import type { CredentialCipher, Db } from '@switchyard/db';
import { createLogger } from '@switchyard/telemetry';
import { ADMIN_BASE_PATH, createAdminRouter } from '../src/admin/index.js';
import type { AdminDeps } from '../src/admin/index.js';
import { eventually, listen } from './http-test-server.js';
import type { TestServer } from './http-test-server.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-' + randomBytes(8).toString('hex');

/** Postgres + NATS + the admin router on a real port, with every account event collected. */
export type AdminTestStack = {
  readonly db: Db;
  readonly bus: Bus;
  readonly cipher: CredentialCipher;
  readonly server: TestServer;
  /** Every account event seen on `acct.v1.events.>`, in arrival order. */
  readonly events: AccountEvent[];
  /** Every log line the admin API wrote. */
  readonly logLines: string[];
  /** Hashes passed to onApiKeyChanged. */
  readonly changedKeyHashes: string[];
  /** Calls the admin API with the admin token; JSON in and out. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Waits until events matching `match` have arrived, and returns them. */
  eventsWhere(match: (e: AccountEvent) => boolean, count?: number): Promise<AccountEvent[]>;
  stop(): Promise<void>;
};

export type AdminTestStackOptions = {
  /** Publish account events through a NATS connection that is already closed. */
  readonly eventsUnpublishable?: boolean;
};

export async function startAdminTestStack(
  options: AdminTestStackOptions = {},
): Promise<AdminTestStack> {
  const harness: Harness<{ migrate: true; nats: true }> = await startHarness({
    migrate: true,
    nats: true,
  });
  const db = createDb({ url: harness.databaseUrl });
  const bus = await connectBus({ servers: harness.natsUrl, name: 'admin-test' });
  await ensureAccountEventsStream(await bus.jsm());
  const events: AccountEvent[] = [];
  const sub: SubscriptionHandle = subscribe(bus.nc, 'acct.v1.events.>', {
    schema: accountEventSchema,
    handler: (event) => void events.push(event),
  });
  await bus.nc.flush();
  let publisher: AdminDeps['events'] = new AccountEventPublisher(bus.js());
  if (options.eventsUnpublishable === true) {
    const closed = await connectBus({ servers: harness.natsUrl, name: 'admin-test-closed' });
    await closed.close();
    publisher = new AccountEventPublisher(closed.js(), { timeoutMs: 200, retries: 0 });
  }
  const cipher = createCredentialCipher(randomBytes(32).toString('base64'));
  const logLines: string[] = [];
  const changedKeyHashes: string[] = [];
  const app = express();
  app.use(
    ADMIN_BASE_PATH,
    createAdminRouter({
      db: db.db,
      cipher,
      events: publisher,
      adminToken: ADMIN_TOKEN,
      onApiKeyChanged: (hash) => void changedKeyHashes.push(hash),
      logger: createLogger({
        service: 'gateway',
        level: 'debug',
        destination: { write: (line) => logLines.push(line) },
      }),
    }),
  );
  const server = await listen(app);

  return {
    db,
    bus,
    cipher,
    server,
    events,
    logLines,
    changedKeyHashes,
    async call(method, path, body) {
      const res = await fetch(server.url + ADMIN_BASE_PATH + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    async eventsWhere(match, count = 1) {
      await eventually(() => events.filter(match).length >= count);
      return events.filter(match);
    },
    async stop() {
      await server.close();
      sub.stop();
      await bus.close();
      await db.destroy();
      await harness.stop();
    },
  };
}
