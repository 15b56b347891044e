import { CliUsageError, parseAdminCommand } from '../src/admin/index.js';

function call(argv: string[]) {
  const command = parseAdminCommand(argv);
  if (command.kind !== 'call') throw new Error('expected a call');
  return command;
}

describe('parseAdminCommand', () => {
  it('lists with filters as query parameters', () => {
    expect(call(['accounts', 'list', '--platform', 'openai', '--group-id=3']).request).toEqual({
      method: 'GET',
      path: '/accounts?platform=openai&groupId=3',
    });
  });

  it('creates an account from field flags with an API key credential', () => {
    const { request } = call([
      'accounts',
      'create',
      '--name',
      'a1',
      '--platform',
      'anthropic',
      '--type',
      'apikey',
      '--api-key',
      'sk-ant-x',
      '--concurrency',
      '4',
      '--group-ids',
      '1,2',
      '--schedulable',
      'false',
      '--model-mapping',
      '{"claude-*":"claude-sonnet-4"}',
    ]);
    expect(request).toEqual({
      method: 'POST',
      path: '/accounts',
      body: {
        name: 'a1',
        platform: 'anthropic',
        type: 'apikey',
        credentials: { apiKey: 'sk-ant-x' },
        concurrency: 4,
        groupIds: [1, 2],
        schedulable: false,
        modelMapping: { 'claude-*': 'claude-sonnet-4' },
      },
    });
  });

  it('leaves a credentials file for the runner to read', () => {
    const { request } = call(['accounts', 'update', '7', '--credentials', '@creds.json']);
    expect(request).toEqual({
      method: 'PATCH',
      path: '/accounts/7',
      body: {},
      credentialsFile: 'creds.json',
    });
  });

  it('clears nullable API key fields with "null"', () => {
    const { request } = call(['keys', 'update', '5', '--rpm-limit', 'null', '--quota-usd', '2.5']);
    expect(request).toEqual({
      method: 'PATCH',
      path: '/api-keys/5',
      body: { rpmLimit: null, quotaLimitUsd: 2.5 },
    });
  });

  it('builds the account actions', () => {
    expect(call(['accounts', 'clear-rate-limit', '3']).request).toEqual({
      method: 'POST',
      path: '/accounts/3/clear-rate-limit',
    });
    expect(call(['accounts', 'schedulable', '3', 'false']).request).toEqual({
      method: 'PUT',
      path: '/accounts/3/schedulable',
      body: { schedulable: false },
    });
    expect(call(['accounts', 'set-groups', '3', '4,5']).request).toEqual({
      method: 'PUT',
      path: '/accounts/3/groups',
      body: { groupIds: [4, 5] },
    });
  });

  it('merges --json under the field flags', () => {
    const { request } = call([
      'groups',
      'create',
      '--json',
      '{"name":"a","platform":"gemini"}',
      '--name',
      'b',
    ]);
    expect(request.body).toEqual({ name: 'b', platform: 'gemini' });
  });

  it('keeps the connection flags apart from the body', () => {
    const command = call(['groups', 'get', '2', '--url', 'http://h:1', '--token-file', 't']);
    expect(command.connection).toEqual({ url: 'http://h:1', tokenFile: 't' });
    expect(command.request).toEqual({ method: 'GET', path: '/groups/2' });
  });

  it.each([
    [['nothing', 'list']],
    [['groups']],
    [['groups', 'get']],
    [['groups', 'get', 'x']],
    [['groups', 'create']],
    [['groups', 'create', '--colour', 'red']],
    [['groups', 'list', '--group-id', '1']],
    [['accounts', 'create', '--concurrency', 'many']],
    [['accounts', 'create', '--api-key', 'a', '--credentials', '{}']],
    [['accounts', 'schedulable', '1', 'maybe']],
    [['groups', 'create', '--name']],
  ])('refuses %j', (argv) => {
    expect(() => parseAdminCommand(argv)).toThrow(CliUsageError);
  });

  it('never echoes an unparsable credential', () => {
    expect(() =>
      parseAdminCommand(['accounts', 'update', '1', '--credentials', '{sk-secret']),
    ).toThrow(/^--credentials must be valid JSON$/);
  });

  it('answers help', () => {
    expect(parseAdminCommand(['--help'])).toEqual({ kind: 'help' });
    expect(parseAdminCommand([])).toEqual({ kind: 'help' });
  });
});
