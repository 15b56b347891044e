import express from 'express';
import { GatewayError } from '../src/errors/index.js';
import { clientErrorHandler, jsonBody, notFound } from '../src/http/index.js';
import { listen } from './http-test-server.js';
import type { TestServer } from './http-test-server.js';

let server: TestServer;
const LIMIT = 64;

beforeAll(async () => {
  const app = express();
  app.use(jsonBody(LIMIT));
  app.post('/v1/messages', (req, res) => res.json({ got: req.body as unknown }));
  app.post('/v1/chat/completions', (req, res) => res.json({ got: req.body as unknown }));
  app.post('/v1beta/models/:call', (req, res) => res.json({ got: req.body as unknown }));
  app.get('/v1/models', (req, res) => res.json({ body: req.body === undefined ? 'none' : 'some' }));
  app.post('/v1/responses', () => {
    throw new GatewayError('invalid_request', 'model is required', { param: 'model' });
  });
  app.post('/antigravity/v1/messages', () => {
    throw new Error('secret detail: postgres://u:pw@db');
  });
  app.use(notFound());
  app.use(clientErrorHandler());
  server = await listen(app);
});

afterAll(() => server?.close());

function send(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('jsonBody', () => {
  it('parses a JSON object', async () => {
    const res = await send('/v1/messages', '{"model":"m"}');
    expect(await res.json()).toEqual({ got: { model: 'm' } });
  });

  it('parses JSON sent without a JSON content type', async () => {
    const res = await send('/v1/chat/completions', '{"model":"m"}', {
      'content-type': 'text/plain',
    });
    expect(await res.json()).toEqual({ got: { model: 'm' } });
  });

  it('leaves a request without a body alone', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(await res.json()).toEqual({ body: 'none' });
  });

  it('answers malformed JSON with 400 in the format of the path', async () => {
    const anthropic = await send('/v1/messages', '{"model":');
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Request body is not valid JSON.' },
    });
    const gemini = await send('/v1beta/models/m:generateContent', 'nope');
    expect(gemini.status).toBe(400);
    expect(await gemini.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('answers a body that is not an object with 400', async () => {
    const res = await send('/v1/chat/completions', '[1,2]');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'Request body must be a JSON object.' },
    });
  });

  it('answers a body over the limit with 413 in the client format', async () => {
    const big = JSON.stringify({ model: 'x'.repeat(LIMIT) });
    const anthropic = await send('/v1/messages', big);
    expect(anthropic.status).toBe(413);
    expect(await anthropic.json()).toMatchObject({ error: { type: 'request_too_large' } });
    const openai = await send('/v1/chat/completions', big);
    expect(openai.status).toBe(413);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('notFound', () => {
  it('answers an unknown route with 404 in the format of its path', async () => {
    const anthropic = await send('/v1/messages/batches', '{}');
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({ error: { type: 'not_found_error' } });
    const gemini = await fetch(`${server.url}/antigravity/v1beta/files`);
    expect(gemini.status).toBe(404);
    expect(await gemini.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const openai = await fetch(`${server.url}/v1/embeddings`);
    expect(await openai.json()).toEqual({
      error: {
        message: 'Unknown route: GET /v1/embeddings',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});

describe('clientErrorHandler', () => {
  it('answers a thrown GatewayError in the client format', async () => {
    const res = await send('/v1/responses', '{}');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'model' } });
  });

  it('answers an unexpected error with a 500 that reveals nothing', async () => {
    const res = await send('/antigravity/v1/messages', '{}');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('postgres');
    expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});
