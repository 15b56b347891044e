import {
  GatewayError,
  clientErrorResponse,
  formatForPath,
  toGatewayError,
} from '../src/errors/index.js';

describe('formatForPath', () => {
  it.each([
    ['/v1/messages', 'anthropic'],
    ['/v1/messages/count_tokens', 'anthropic'],
    ['/antigravity/v1/messages', 'anthropic'],
    ['/v1beta/models/gemini-2.5-pro:generateContent', 'gemini'],
    ['/antigravity/v1beta/models', 'gemini'],
    ['/v1/chat/completions', 'openai'],
    ['/v1/responses', 'openai'],
    ['/v1/messagesx', 'openai'],
    ['/nowhere', 'openai'],
  ])('answers %s in the %s format', (path, format) => {
    expect(formatForPath(path)).toBe(format);
  });
});

describe('GatewayError', () => {
  it('takes status and retryability from its code', () => {
    const err = new GatewayError('rate_limited', 'slow down', { reason: 'api_key_rpm_limit' });
    expect(err).toMatchObject({
      name: 'GatewayError',
      code: 'rate_limited',
      httpStatus: 429,
      retryable: true,
      reason: 'api_key_rpm_limit',
      businessLimited: false,
    });
  });

  it('is not retryable when it passes on an upstream client error', () => {
    expect(new GatewayError('upstream_error', 'bad', { httpStatus: 400 }).retryable).toBe(false);
    expect(new GatewayError('upstream_error', 'busy', { httpStatus: 503 }).retryable).toBe(true);
    expect(new GatewayError('upstream_error', 'x', { retryable: false }).retryable).toBe(false);
  });

  it('keeps its cause', () => {
    const cause = new Error('redis down');
    expect(new GatewayError('service_unavailable', 'later', { cause }).cause).toBe(cause);
  });
});

describe('clientErrorResponse', () => {
  const invalid = new GatewayError('invalid_request', 'model: required', { param: 'model' });

  it('writes the Anthropic shape with the request id', () => {
    expect(clientErrorResponse('anthropic', invalid, 'req_1')).toEqual({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'model: required' },
        request_id: 'req_1',
      },
    });
  });

  it('writes the OpenAI shape with the offending param', () => {
    expect(clientErrorResponse('openai', invalid)).toEqual({
      status: 400,
      body: {
        error: {
          message: 'model: required',
          type: 'invalid_request_error',
          param: 'model',
          code: null,
        },
      },
    });
  });

  it('writes the Google shape with the rpc status name', () => {
    expect(clientErrorResponse('gemini', invalid)).toEqual({
      status: 400,
      body: { error: { code: 400, message: 'model: required', status: 'INVALID_ARGUMENT' } },
    });
  });

  it('answers an overload with 529 only to Anthropic clients', () => {
    const overloaded = new GatewayError('overloaded', 'busy');
    expect(clientErrorResponse('anthropic', overloaded).status).toBe(529);
    expect(clientErrorResponse('anthropic', overloaded).body).toMatchObject({
      error: { type: 'overloaded_error' },
    });
    expect(clientErrorResponse('openai', overloaded).status).toBe(503);
    expect(clientErrorResponse('gemini', overloaded).body).toMatchObject({
      error: { code: 503, status: 'UNAVAILABLE' },
    });
  });

  it('names a bad key the way each vendor does', () => {
    const bad = new GatewayError('authentication', 'Invalid API key.', {
      reason: 'invalid_api_key',
    });
    expect(clientErrorResponse('anthropic', bad).body).toMatchObject({
      error: { type: 'authentication_error' },
    });
    expect(clientErrorResponse('openai', bad)).toMatchObject({
      status: 401,
      body: { error: { type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    expect(clientErrorResponse('gemini', bad).body).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED' },
    });
  });

  it('names a used-up quota insufficient_quota for OpenAI clients', () => {
    const quota = new GatewayError('quota_exceeded', 'used up');
    expect(clientErrorResponse('openai', quota)).toMatchObject({
      status: 429,
      body: { error: { type: 'insufficient_quota', code: 'insufficient_quota' } },
    });
    expect(clientErrorResponse('gemini', quota).body).toMatchObject({
      error: { status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('maps a passed-through status to its Google status name', () => {
    const passed = new GatewayError('upstream_error', 'not yours', { httpStatus: 404 });
    expect(clientErrorResponse('gemini', passed)).toEqual({
      status: 404,
      body: { error: { code: 404, message: 'not yours', status: 'NOT_FOUND' } },
    });
  });

  it('answers a too-large body with request_too_large for Anthropic', () => {
    const big = new GatewayError('payload_too_large', 'too big');
    expect(clientErrorResponse('anthropic', big)).toMatchObject({
      status: 413,
      body: { error: { type: 'request_too_large' } },
    });
  });
});

describe('toGatewayError', () => {
  it('turns a body-parser size error into 413', () => {
    const err = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
    });
    expect(toGatewayError(err)).toMatchObject({ code: 'payload_too_large', httpStatus: 413 });
  });

  it('turns a body-parser syntax error into 400', () => {
    const err = Object.assign(new SyntaxError('Unexpected token'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(toGatewayError(err)).toMatchObject({ code: 'invalid_request', httpStatus: 400 });
  });

  it('hides the message of an unexpected error behind a fixed one', () => {
    const err = toGatewayError(new Error('connect ECONNREFUSED postgres://admin:pw@db'));
    expect(err).toMatchObject({ code: 'internal', httpStatus: 500 });
    expect(err.message).not.toContain('postgres');
  });

  it('returns a GatewayError unchanged', () => {
    const err = new GatewayError('not_found', 'nope');
    expect(toGatewayError(err)).toBe(err);
  });
});
