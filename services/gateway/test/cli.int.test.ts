import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, startAdminTestStack } from './admin-test-stack.js';
import type { AdminTestStack } from './admin-test-stack.js';

const run = promisify(execFile);
const GATEWAY_DIR = resolve(__dirname, '..');
const REPO_ROOT = resolve(GATEWAY_DIR, '../..');

let stack: AdminTestStack;
let work: string;
let cliPath: string;

/**
 * Compiles the CLI entry point with the gateway's compiler options into a scratch directory
 * (only its own import closure, so other work in progress in the package cannot break it).
 */
async function compileCli(outDir: string): Promise<string> {
  const tsconfig = join(outDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        rootDir: join(GATEWAY_DIR, 'src'),
        outDir: join(outDir, 'dist'),
        composite: false,
        incremental: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        // Type packages are looked up from the tsconfig's directory, which is the scratch one.
        typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
      },
      files: [join(GATEWAY_DIR, 'src/cli/switchyard.ts')],
    }),
  );
  await run(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', tsconfig], { cwd: REPO_ROOT });
  writeFileSync(join(outDir, 'dist/package.json'), '{"type":"module"}\n');
  return join(outDir, 'dist/cli/switchyard.js');
}

type CliResult = { code: number; stdout: string; stderr: string };

async function cli(args: string[], cwd = work): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const result = await cli(args);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  cliPath = await compileCli(work);
  stack = await startAdminTestStack();
  // The default connection: .local/demo.json in the working directory, as `npm start` writes it.
  mkdirSync(join(work, '.local'));
  writeFileSync(
    join(work, '.local/demo.json'),
    JSON.stringify({ gatewayUrl: stack.server.url, adminToken: ADMIN_TOKEN, apiKeys: {} }),
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('switchyard admin (compiled CLI against a live admin API)', () => {
  it('manages groups, accounts and API keys end to end', async () => {
    const group = await ok([
      'admin',
      'groups',
      'create',
      '--name',
      'cli-g',
      '--platform',
      'openai',
    ]);
    const groupId = group['id'] as number;
    expect(group).toMatchObject({ name: 'cli-g', platform: 'openai' });

    writeFileSync(join(work, 'creds.json'), JSON.stringify({ apiKey: 'sk-cli-secret' }));
    const account = await ok([
      'admin',
      'accounts',
      'create',
      '--name',
      'cli-a',
      '--platform',
      'openai',
      '--type',
      'apikey',
      '--credentials',
      '@creds.json',
      '--group-ids',
      String(groupId),
      '--concurrency',
      '2',
    ]);
    const accountId = account['id'] as number;
    expect(account).toMatchObject({ groupIds: [groupId], concurrency: 2 });
    const row = await stack.db.db
      .selectFrom('accounts')
      .select('credentials_encrypted')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(stack.cipher.decrypt(row.credentials_encrypted)).toEqual({ apiKey: 'sk-cli-secret' });

    const listed = await ok(['admin', 'accounts', 'list', '--group-id', String(groupId)]);
    expect((listed['data'] as { id: number }[]).map((a) => a.id)).toEqual([accountId]);
    expect(JSON.stringify(listed)).not.toContain('sk-cli-secret');

    expect(
      await ok(['admin', 'accounts', 'update', String(accountId), '--priority', '7']),
    ).toMatchObject({
      priority: 7,
    });
    expect(
      await ok(['admin', 'accounts', 'schedulable', String(accountId), 'false']),
    ).toMatchObject({
      schedulable: false,
    });
    await ok(['admin', 'accounts', 'clear-rate-limit', String(accountId)]);
    expect(await ok(['admin', 'accounts', 'set-groups', String(accountId), ''])).toMatchObject({
      groupIds: [],
    });
    await stack.eventsWhere((e) => e.type === 'account_state' && e.accountId === accountId, 2);

    const key = await ok([
      'admin',
      'api-keys',
      'create',
      '--name',
      'cli-k',
      '--group-id',
      String(groupId),
      '--rpm-limit',
      '10',
    ]);
    expect(key['key']).toEqual(expect.stringMatching(/^sk-sy-/));
    const keys = await cli(['admin', 'api-keys', 'list']);
    expect(keys.stdout).toContain(key['keyPrefix'] as string);
    expect(keys.stdout).not.toContain(key['key'] as string);

    expect(await cli(['admin', 'accounts', 'delete', String(accountId)])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const gone = await cli(['admin', 'accounts', 'get', String(accountId)]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error 404 not_found/);
  });

  it('reports an API refusal with exit code 1 and never prints the token', async () => {
    const wrong = await cli([
      'admin',
      'groups',
      'list',
      '--url',
      stack.server.url,
      '--token',
      'wrong-token-123456',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error 401 authentication/);
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong-token-123456');

    const invalid = await cli(['admin', 'groups', 'create', '--name', 'x', '--platform', 'mars']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error 400 invalid_request: platform/);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const bad = await cli(['admin', 'groups', 'frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: switchyard admin');
  });

  it('exits 2 when it has no URL or token and no demo file', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'switchyard-cli-empty-'));
    try {
      const res = await cli(['admin', 'groups', 'list'], elsewhere);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/^no --url given/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
