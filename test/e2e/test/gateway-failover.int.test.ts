import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { KeyBuilder } from '@switchyard/redis';
import { getAccount } from '@switchyard/db';
import {
  eventually,
  readUsageStream,
  startGatewayStack,
  type GatewayStack,
  type SeededGroup,
} from './gateway-stack.js';
import { scanForSecrets, watchNats } from './secret-scan.js';

// Failover, account state and stickiness across real processes: two scheduler replicas and
// two gateway replicas, with a snapshot-builder, against the upstream simulator. Clients are
// the official SDKs with their own retries off, so each call is one gateway request.
const CLAUDE = 'claude-sonnet-4-6';
const GPT = 'gpt-5';

/** A gateway's select outcomes so far, from its Prometheus series. */
async function selectOutcomes(url: string): Promise<{ slot: number; lease: number; kept: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = (outcome: string) => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('gateway_select_duration_seconds_count{') &&
          l.includes(`outcome="${outcome}"`),
      );
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { slot: count('slot'), lease: count('lease'), kept: count('lease_kept') };
}

/** Slots a gateway keeps for leased sessions now (its gauge). */
async function keptSlots(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('gateway_lease_kept_slots ') || l.startsWith('gateway_lease_kept_slots{'),
    );
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('gateway failover, account state and stickiness', () => {
  let stack: GatewayStack;
  let overload: SeededGroup;
  let limited: SeededGroup;
  let slow: SeededGroup;
  let sticky: SeededGroup;
  let responses: SeededGroup;
  let auth: SeededGroup;
  let oauth: SeededGroup;
  let leased: SeededGroup;
  const mintedTokens: string[] = [];
  let sent = 0;
  let nats: Awaited<ReturnType<typeof watchNats>>;

  // Counts every call the clients make, so the records can be checked against it.
  const countingFetch = ((url: string | URL | Request, init?: RequestInit) => {
    sent++;
    return fetch(url, init);
  }) as typeof fetch;

  /** An Anthropic client on gateway replica `n` (0 or 1). */
  function claude(group: SeededGroup, n = 0): Anthropic {
    return new Anthropic({
      apiKey: group.apiKey,
      baseURL: stack.gateways[n]!.url,
      maxRetries: 0,
      fetch: countingFetch,
    });
  }

  function ask(group: SeededGroup, i: number, n = i % 2) {
    return claude(group, n).messages.create({
      model: CLAUDE,
      max_tokens: 8,
      // A different opening per call: each is its own session, so load balancing decides.
      messages: [{ role: 'user', content: `question number ${i}` }],
    });
  }

  function served(credential: string, sinceSeq = 0) {
    return stack.sim.control.requests({ credential, since: sinceSeq });
  }

  beforeAll(async () => {
    const started = await startGatewayStack({
      schedulers: 2,
      gateways: 2,
      groups: [
        { platform: 'anthropic', credentials: ['sk-e2e-ovl-1', 'sk-e2e-ovl-2', 'sk-e2e-ovl-3'] },
        { platform: 'anthropic', credentials: ['sk-e2e-rl-1', 'sk-e2e-rl-2', 'sk-e2e-rl-3'] },
        { platform: 'anthropic', credentials: ['sk-e2e-slow-1'], concurrency: 1 },
        { platform: 'anthropic', credentials: ['sk-e2e-stk-1', 'sk-e2e-stk-2', 'sk-e2e-stk-3'] },
        { platform: 'openai', credentials: ['sk-e2e-resp-1', 'sk-e2e-resp-2', 'sk-e2e-resp-3'] },
        { platform: 'anthropic', credentials: ['sk-e2e-auth-bad', 'sk-e2e-auth-ok'] },
        { platform: 'anthropic', credentials: ['rt-e2e-oauth-1'], oauth: true },
        // Concurrency 32: each replica keeps a leased session's slot between its calls.
        {
          platform: 'anthropic',
          credentials: ['sk-e2e-lse-1', 'sk-e2e-lse-2', 'sk-e2e-lse-3'],
          concurrency: 32,
        },
      ],
    });
    stack = started.stack;
    [overload, limited, slow, sticky, responses, auth, oauth, leased] = started.seeded as [
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
    ];
    nats = await watchNats(stack.harness.natsUrl);
  });

  afterAll(async () => {
    await nats?.stop();
    await stack?.stop();
  });

  it('serves every request when one of three accounts answers 529, and leaves that account alone', async () => {
    stack.sim.control.setCredential('sk-e2e-ovl-2', { faults: [{ status: 529 }] });
    for (let i = 0; i < 30; i++) {
      const { response } = await ask(overload, i).withResponse();
      expect(response.status).toBe(200);
    }
    // Chosen once (30 weighted draws over three equal accounts miss it with p ≈ 5e-6), and
    // never again: after its 529 no replica selects it for the cool-down (10 min).
    expect(served('sk-e2e-ovl-2')).toHaveLength(1);
    expect(served('sk-e2e-ovl-1').length + served('sk-e2e-ovl-3').length).toBe(30);
    const id = overload.accounts.get('sk-e2e-ovl-2')!;
    const account = await eventually(async () => {
      const a = await getAccount(stack.db.db, id);
      expect(a?.overloadUntil).not.toBeNull();
      return a!;
    });
    expect(account.overloadUntil!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  it('selects a 429ed account on no replica before the reset the upstream named', async () => {
    // Every account answers once in turn; rl-2 is limited for 3 s on its first call.
    stack.sim.control.setCredential('sk-e2e-rl-2', {
      faults: [{ status: 429, times: 1, resetAfterSeconds: 3 }],
    });
    const since = stack.sim.control.requests({ limit: 1 }).at(-1)?.seq ?? 0;
    let i = 0;
    while (served('sk-e2e-rl-2', since).length === 0) {
      const { response } = await ask(limited, 1000 + i++).withResponse();
      expect(response.status).toBe(200);
    }
    const limitedAt = served('sk-e2e-rl-2', since)[0]!;
    expect(limitedAt.status).toBe(429);
    // The Anthropic reset header has one-second resolution: the account is free from there.
    const resetAt = (Math.floor(limitedAt.time / 1000) + 3) * 1000;
    while (Date.now() < resetAt + 1500) {
      const { response } = await ask(limited, 1000 + i++).withResponse();
      expect(response.status).toBe(200);
    }
    const after = served('sk-e2e-rl-2', limitedAt.seq);
    for (const entry of after) expect(entry.time).toBeGreaterThanOrEqual(resetAt);
    // The reset came from the vendor's header, not the 5 s fallback cool-down.
    const account = await getAccount(stack.db.db, limited.accounts.get('sk-e2e-rl-2')!);
    expect(account?.rateLimitResetAt?.getTime()).toBe(resetAt);
  });

  it('frees the slot of a stream the client aborts right away', async () => {
    stack.sim.control.setCredential('sk-e2e-slow-1', { interTokenMs: 50, outputTokens: 200 });
    const keys = new KeyBuilder('sy:');
    const slotKey = keys.slots(slow.accounts.get('sk-e2e-slow-1')!);
    const controller = new AbortController();
    const stream = claude(slow).messages.stream(
      { model: CLAUDE, max_tokens: 400, messages: [{ role: 'user', content: 'long story' }] },
      { signal: controller.signal },
    );
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    expect(await stack.redis.zcard(slotKey)).toBe(1);
    controller.abort();
    await stream.done().catch(() => undefined);
    await eventually(async () => expect(await stack.redis.zcard(slotKey)).toBe(0), 1_000);
    // Concurrency 1: the next call only gets through because the slot is free again.
    stack.sim.control.setCredential('sk-e2e-slow-1', {});
    const { response } = await claude(slow)
      .messages.create({
        model: CLAUDE,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'next' }],
      })
      .withResponse();
    expect(response.status).toBe(200);
    // The simulator notices the closed connection at its next token tick.
    await eventually(
      async () => expect(served('sk-e2e-slow-1')[0]!.outcome).toBe('client_closed'),
      1_000,
    );
  });

  it('keeps 20 calls of one session on one account', async () => {
    // Claude Code's metadata.user_id carries the session.
    const session =
      'user_abc_account_1f2e3d4c-0000-4000-8000-000000000000_session_7d9e8f1a-1111-4222-8333-944455556666';
    for (let i = 0; i < 20; i++) {
      const { response } = await claude(sticky, i % 2)
        .messages.create({
          model: CLAUDE,
          max_tokens: 8,
          metadata: { user_id: session },
          messages: [{ role: 'user', content: `turn ${i} of a long conversation` }],
        })
        .withResponse();
      expect(response.status).toBe(200);
    }
    const counts = ['sk-e2e-stk-1', 'sk-e2e-stk-2', 'sk-e2e-stk-3'].map((c) => served(c).length);
    expect(counts.sort((a, b) => a - b)).toEqual([0, 0, 20]);
  });

  it("serves a session's calls under a lease without selecting, until its account fails on any replica", async () => {
    const session =
      'user_abc_account_1f2e3d4c-0000-4000-8000-000000000000_session_0b1c2d3e-5555-4666-8777-988899990000';
    const call = (n: number, turn: number) =>
      claude(leased, n)
        .messages.create({
          model: CLAUDE,
          max_tokens: 8,
          metadata: { user_id: session },
          messages: [{ role: 'user', content: `turn ${turn}` }],
        })
        .withResponse();
    const before = await Promise.all(stack.gateways.map((g) => selectOutcomes(g.url)));
    for (let i = 0; i < 10; i++) expect((await call(i % 2, i)).response.status).toBe(200);
    const after = await Promise.all(stack.gateways.map((g) => selectOutcomes(g.url)));
    // One select per replica; each then holds the scheduler's lease for the session's next
    // calls, and keeps the slot from one call to the next: no Redis call to start them.
    for (let n = 0; n < 2; n++) {
      expect(after[n]!.slot - before[n]!.slot).toBe(1);
      expect(after[n]!.kept - before[n]!.kept).toBe(4);
      expect(after[n]!.lease - before[n]!.lease).toBe(0);
    }
    const credentials = ['sk-e2e-lse-1', 'sk-e2e-lse-2', 'sk-e2e-lse-3'];
    const bound = credentials.find((c) => served(c).length === 10)!;
    expect(bound).toBeDefined();
    // Between calls, each replica keeps the session's slot, and only that one.
    for (const g of stack.gateways) expect(await keptSlots(g.url)).toBe(1);

    // The bound account starts failing: replica 0 meets it under its lease and fails over.
    stack.sim.control.setCredential(bound, { faults: [{ status: 529 }] });
    expect((await call(0, 10)).response.status).toBe(200);
    expect(served(bound)).toHaveLength(11);
    // Replica 1 still holds its own lease on that account: the overload event ends it there too.
    for (let i = 11; i < 17; i++) expect((await call(i % 2, i)).response.status).toBe(200);
    expect(served(bound)).toHaveLength(11);
    // Both replicas gave their kept slots on it back (and replica 0 keeps one on the account its
    // calls moved to; replica 1 selected there only after the event and now keeps one there).
    const boundSlots = new KeyBuilder().slots(leased.accounts.get(bound)!);
    const held = await stack.redis.zrange(boundSlots, 0, -1);
    for (const g of stack.gateways) expect(await keptSlots(g.url)).toBe(1);
    // What remains on the failing account is at most the schedulers' own stock.
    expect(held.filter((m) => !m.startsWith('stock:'))).toEqual([]);
    const moved = credentials.filter((c) => c !== bound).map((c) => served(c).length);
    expect(moved.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('sends a previous_response_id to the account that produced the response', async () => {
    const client = (n: number) =>
      new OpenAI({
        apiKey: responses.apiKey,
        baseURL: `${stack.gateways[n]!.url}/v1`,
        maxRetries: 0,
        fetch: countingFetch,
      });
    const first = await client(0).responses.create({ model: GPT, input: 'remember the number 7' });
    const owner = ['sk-e2e-resp-1', 'sk-e2e-resp-2', 'sk-e2e-resp-3'].find(
      (c) => served(c).length === 1,
    )!;
    let previous = first.id;
    for (let i = 0; i < 6; i++) {
      // The simulator answers 400 when a response id reaches another credential.
      if (i % 2 === 0) {
        const next = await client(i % 2).responses.create({
          model: GPT,
          input: `and now ${i}?`,
          previous_response_id: previous,
        });
        previous = next.id;
      } else {
        const stream = await client(i % 2).responses.create({
          model: GPT,
          input: `and now ${i}?`,
          previous_response_id: previous,
          stream: true,
        });
        for await (const event of stream)
          if (event.type === 'response.completed') previous = event.response.id;
      }
    }
    expect(served(owner)).toHaveLength(7);
  });

  it('puts an API-key account whose key is refused (401) in error and serves from another', async () => {
    stack.sim.control.setCredential('sk-e2e-auth-bad', { rejectAuth: true });
    let i = 0;
    while (served('sk-e2e-auth-bad').length === 0) {
      const { response } = await ask(auth, 2000 + i++).withResponse();
      expect(response.status).toBe(200);
    }
    const id = auth.accounts.get('sk-e2e-auth-bad')!;
    await eventually(async () => expect((await getAccount(stack.db.db, id))?.status).toBe('error'));
    for (let k = 0; k < 10; k++) await ask(auth, 3000 + k);
    expect(served('sk-e2e-auth-bad')).toHaveLength(1);
  });

  it('refreshes an expired OAuth token before the call and stores the new one encrypted', async () => {
    // The simulator accepts refresh tokens it knows as credentials.
    stack.sim.control.setCredential('rt-e2e-oauth-1', {});
    const { response } = await ask(oauth, 4000).withResponse();
    expect(response.status).toBe(200);
    const refresh = stack.sim.control.requests({ endpoint: 'oauth.token' });
    expect(refresh).toHaveLength(1);
    const [call] = served('rt-e2e-oauth-1').filter((e) => e.endpoint === 'anthropic.messages');
    expect(call?.presentedCredential).toMatch(/^sim-at-/);
    mintedTokens.push(call!.presentedCredential!);
    const account = await getAccount(stack.db.db, oauth.accounts.get('rt-e2e-oauth-1')!);
    const stored = stack.cipher.decrypt(account!.credentialsEncrypted) as {
      accessToken: string;
      refreshToken: string;
    };
    expect(stored.accessToken).toBe(call!.presentedCredential);
    mintedTokens.push(stored.refreshToken);
    // Fresh for an hour: the next call reuses it.
    await ask(oauth, 4001);
    expect(stack.sim.control.requests({ endpoint: 'oauth.token' })).toHaveLength(1);
  });

  it('records every request once and leaks no credential to logs, NATS or Redis', async () => {
    const records = await eventually(async () => {
      const r = await readUsageStream(stack.bus);
      const ids = new Set([
        ...r.usage.map((u) => u.requestId),
        ...r.errors.map((e) => e.requestId),
      ]);
      expect(ids.size).toBe(sent);
      return r;
    });
    const usageIds = records.usage.map((u) => u.requestId);
    expect(new Set(usageIds).size).toBe(usageIds.length);
    const attemptIds = records.errors.map((e) => e.attemptId);
    expect(new Set(attemptIds).size).toBe(attemptIds.length);
    // The 529, the 429 and the 401 each cost one failed attempt of a request that then succeeded.
    const upstreamErrors = records.errors.filter((e) => e.phase === 'upstream');
    expect(upstreamErrors.map((e) => [e.upstreamStatusCode, e.statusCode]).sort()).toEqual(
      expect.arrayContaining([
        [401, 200],
        [429, 200],
        [529, 200],
      ]),
    );
    for (const e of upstreamErrors) expect(usageIds).toContain(e.requestId);

    const secrets = [
      ...[overload, limited, slow, sticky, responses].flatMap((g) => [
        g.apiKey,
        ...g.accounts.keys(),
      ]),
      stack.adminToken,
    ];
    const leaks = await scanForSecrets({
      secrets,
      logs: stack.processes.map((p) => ({ name: p.name, text: p.output() })),
      nats: nats.messages(),
      redis: stack.redis,
    });
    expect(leaks).toEqual([]);
    expect(nats.messages().length).toBeGreaterThan(100);
  });
});
