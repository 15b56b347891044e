import { createUpstreamSim } from '@switchyard/upstream-sim';
import type { UpstreamSim } from '@switchyard/upstream-sim';
import { call } from './sim-client.js';

async function refresh(
  sim: UpstreamSim,
  refreshToken: string,
  as: 'form' | 'json' = 'form',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const fields = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'c-1' };
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const message = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('upstream-sim OAuth token endpoint', () => {
  let now = 1_800_000_000_000;
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ clock: () => now });
  });
  beforeEach(() => sim.control.reset());
  afterAll(() => sim.close());

  it('refreshes a configured refresh token; the access token then acts with its behaviour', async () => {
    sim.control.setCredential('rt-root', {
      outputTokens: 5,
      faults: [{ status: 529, path: '/v1/messages', once: true }],
    });
    const minted = await refresh(sim, 'rt-root');
    expect(minted.status).toBe(200);
    expect(minted.body).toEqual({
      access_token: expect.stringMatching(/^sim-at-/),
      refresh_token: expect.stringMatching(/^sim-rt-/),
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const bearer = { authorization: `Bearer ${minted.body.access_token as string}` };
    expect((await call(`${sim.url}/v1/messages`, message, bearer)).status).toBe(529);
    const ok = await call(`${sim.url}/v1/messages`, message, bearer);
    expect(ok.status).toBe(200);
    expect((ok.body.usage as Record<string, number>).output_tokens).toBe(5);
    const logged = sim.control.requests({ credential: 'rt-root', path: '/v1/messages' });
    expect(logged.map((e) => e.presentedCredential)).toEqual([
      minted.body.access_token,
      minted.body.access_token,
    ]);
  });

  it('accepts a JSON body and chains refreshes through the tokens it minted', async () => {
    sim.control.setCredential('rt-chain', {});
    const first = await refresh(sim, 'rt-chain', 'json');
    const second = await refresh(sim, first.body.refresh_token as string, 'json');
    expect(second.status).toBe(200);
    expect(sim.control.requests({ endpoint: 'oauth.token' }).map((e) => e.credential)).toEqual([
      'rt-chain',
      'rt-chain',
    ]);
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    const res = await refresh(sim, 'never-seen');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('an access token stops working once expired', async () => {
    sim.control.setCredential('rt-short', { accessTokenTtlSeconds: 60 });
    const minted = await refresh(sim, 'rt-short');
    const bearer = { authorization: `Bearer ${minted.body.access_token as string}` };
    expect((await call(`${sim.url}/v1/messages`, message, bearer)).status).toBe(200);
    now += 61_000;
    const expired = await call(`${sim.url}/v1/messages`, message, bearer);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { type: 'authentication_error' } });
  });

  it('with single-use refresh tokens a second use of the same token fails', async () => {
    sim.control.setCredential('rt-once', { singleUseRefreshTokens: true });
    const first = await refresh(sim, 'rt-once');
    expect(first.status).toBe(200);
    expect((await refresh(sim, 'rt-once')).body).toMatchObject({ error: 'invalid_grant' });
    expect((await refresh(sim, first.body.refresh_token as string)).status).toBe(200);
    expect((await refresh(sim, first.body.refresh_token as string)).status).toBe(400);
  });

  it('applies faults scoped to /oauth/token, and only those', async () => {
    sim.control.setCredential('rt-flaky', {
      faults: [{ status: 503, path: '/oauth/token', once: true }, { status: 429 }],
    });
    const failed = await refresh(sim, 'rt-flaky');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: 'server_error' });
    expect((await refresh(sim, 'rt-flaky')).status).toBe(200);
  });
});

describe('upstream-sim Responses previous_response_id', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ defaults: { outputTokens: 6 } });
  });
  afterAll(() => sim.close());

  const respond = (credential: string, body: Record<string, unknown>) =>
    call(
      `${sim.url}/v1/responses`,
      { model: 'gpt-5', ...body },
      { authorization: `Bearer ${credential}` },
    );

  it('continues from a response the same credential produced, billing its context again', async () => {
    const first = await respond('acct-1', { input: 'first question here' });
    const firstUsage = first.body.usage as Record<string, number>;
    const second = await respond('acct-1', {
      input: 'and then?',
      previous_response_id: first.body.id,
    });
    expect(second.status).toBe(200);
    expect(second.body.previous_response_id).toBe(first.body.id);
    const secondUsage = second.body.usage as Record<string, number>;
    // 'and then?' is 9 chars → 3 tokens, plus the whole first exchange.
    expect(secondUsage.input_tokens).toBe(3 + firstUsage.total_tokens!);
  });

  it('streams a continuation too', async () => {
    const first = await respond('acct-1', { input: 'q' });
    const res = await fetch(`${sim.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer acct-1' },
      body: JSON.stringify({
        model: 'gpt-5',
        stream: true,
        input: 'q2',
        previous_response_id: first.body.id,
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('response.completed');
  });

  it('refuses an unknown previous_response_id like OpenAI', async () => {
    const res = await respond('acct-1', { input: 'x', previous_response_id: 'resp_doesnotexist' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: "Previous response with id 'resp_doesnotexist' not found.",
        type: 'invalid_request_error',
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      },
    });
  });

  it("does not know another credential's responses, nor unstored ones", async () => {
    const mine = await respond('acct-1', { input: 'x' });
    expect(
      (await respond('acct-2', { input: 'y', previous_response_id: mine.body.id })).status,
    ).toBe(400);
    const unstored = await respond('acct-1', { input: 'x', store: false });
    expect(
      (await respond('acct-1', { input: 'y', previous_response_id: unstored.body.id })).status,
    ).toBe(400);
  });
});
