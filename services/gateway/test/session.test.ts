import { createHash } from 'node:crypto';
import {
  SessionSource,
  anthropicSessionHash,
  geminiSessionHash,
  openAiSessionHash,
  sessionDigest,
} from '../src/index.js';

const CLAUDE_CODE_USER =
  'user_0a1b2c_account_11111111-2222-4333-8444-555555555555_session_aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('anthropicSessionHash', () => {
  const base = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hello' }] };

  it("uses the session part of Claude Code's metadata.user_id, whatever the content", () => {
    const a = anthropicSessionHash({ ...base, metadata: { user_id: CLAUDE_CODE_USER } }, 1);
    const b = anthropicSessionHash(
      {
        ...base,
        messages: [{ role: 'user', content: 'something else entirely' }],
        metadata: { user_id: CLAUDE_CODE_USER.replace('0a1b2c', 'ffffff') },
      },
      2,
    );
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('reads a JSON user_id with a session_id', () => {
    const json = JSON.stringify({ device_id: 'd1', session_id: 's-42' });
    const other = JSON.stringify({ device_id: 'd2', session_id: 's-42' });
    expect(anthropicSessionHash({ ...base, metadata: { user_id: json } }, 1)).toBe(
      anthropicSessionHash({ ...base, metadata: { user_id: other } }, 9),
    );
  });

  it('falls back to the content marked cache_control', () => {
    const system = [
      { type: 'text', text: 'You are a long system prompt', cache_control: { type: 'ephemeral' } },
    ];
    const first = anthropicSessionHash({ ...base, system }, 1);
    const later = anthropicSessionHash(
      {
        ...base,
        system,
        messages: [
          ...base.messages,
          { role: 'assistant', content: 'hi' },
          { role: 'user', content: 'more' },
        ],
      },
      2,
    );
    expect(first).toBe(later);
    const otherPrompt = [{ ...system[0]!, text: 'A different prompt' }];
    expect(anthropicSessionHash({ ...base, system: otherPrompt }, 1)).not.toBe(first);
  });

  it('otherwise hashes key, system and the first message, so later turns stay on it', () => {
    const first = anthropicSessionHash({ ...base, system: 'be brief' }, 7);
    const second = anthropicSessionHash(
      {
        ...base,
        system: 'be brief',
        messages: [...base.messages, { role: 'assistant', content: 'x' }],
      },
      7,
    );
    expect(first).toBe(second);
    expect(anthropicSessionHash({ ...base, system: 'be brief' }, 8)).not.toBe(first);
  });

  it('has nothing to hash without messages', () => {
    expect(anthropicSessionHash({ model: 'm', messages: [] }, 1)).toBeUndefined();
  });
});

describe('openAiSessionHash', () => {
  const chat = {
    model: 'gpt-5',
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
    ],
  };

  it('prefers a session header, then prompt_cache_key', () => {
    const byHeader = openAiSessionHash(chat, { session_id: 'abc' });
    expect(byHeader).toBe(
      openAiSessionHash({ ...chat, prompt_cache_key: 'k' }, { session_id: 'abc' }),
    );
    expect(openAiSessionHash(chat, { 'x-session-id': 'abc' })).toBe(byHeader);
    expect(openAiSessionHash(chat, { conversation_id: 'abc' })).toBe(byHeader);
    const byKey = openAiSessionHash({ ...chat, prompt_cache_key: 'k' }, {});
    expect(byKey).toBe(
      openAiSessionHash({ model: 'other', input: 'x', prompt_cache_key: 'k' }, {}),
    );
    expect(byKey).not.toBe(byHeader);
  });

  it('seeds from model, tools, instructions and the first user message', () => {
    const seed = openAiSessionHash(chat, {});
    const nextTurn = openAiSessionHash(
      {
        ...chat,
        messages: [
          ...chat.messages,
          { role: 'assistant', content: 'a' },
          { role: 'user', content: 'b' },
        ],
      },
      {},
    );
    expect(seed).toBe(nextTurn);
    expect(openAiSessionHash({ ...chat, model: 'gpt-4.1' }, {})).not.toBe(seed);
    expect(openAiSessionHash({ ...chat, tools: [{ type: 'function', name: 'f' }] }, {})).not.toBe(
      seed,
    );
  });

  it('seeds a Responses request from instructions and input', () => {
    const a = openAiSessionHash({ model: 'gpt-5', instructions: 'i', input: 'hello' }, {});
    const b = openAiSessionHash(
      { model: 'gpt-5', instructions: 'i', input: [{ role: 'user', content: 'hello' }] },
      {},
    );
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(openAiSessionHash({ model: 'gpt-5', instructions: 'j', input: 'hello' }, {})).not.toBe(
      a,
    );
  });
});

describe('geminiSessionHash', () => {
  it('is stable across turns of one conversation and differs between conversations', () => {
    const turn1 = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    const turn2 = {
      contents: [
        ...turn1.contents,
        { role: 'model', parts: [{ text: 'yo' }] },
        { role: 'user', parts: [{ text: 'x' }] },
      ],
    };
    expect(geminiSessionHash('gemini-2.5-flash', turn1)).toBe(
      geminiSessionHash('gemini-2.5-flash', turn2),
    );
    expect(geminiSessionHash('gemini-2.5-pro', turn1)).not.toBe(
      geminiSessionHash('gemini-2.5-flash', turn1),
    );
    expect(geminiSessionHash('gemini-2.5-flash', { contents: [] })).toBeUndefined();
  });
});

describe('sessionDigest', () => {
  it('is the first 128 bits of SHA-256 over the source and the NUL-separated parts', () => {
    const parts = ['7', 'system é', 'first 😀 message', ''];
    const expected = createHash('sha256').update(SessionSource.ContentSeed);
    for (const part of parts) expected.update('\u0000').update(part);
    expect(sessionDigest(SessionSource.ContentSeed, parts)).toBe(
      expected.digest('hex').slice(0, 32),
    );
  });

  it('tells apart parts that only differ in where they split', () => {
    expect(sessionDigest(SessionSource.ContentSeed, ['ab', 'c'])).not.toBe(
      sessionDigest(SessionSource.ContentSeed, ['a', 'bc']),
    );
  });
});
