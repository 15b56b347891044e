import { ADMIN_BASE_PATH } from '../admin-base-path.js';
import { CliUsageError } from './cli-usage-error.js';
import { parseAdminCommand } from './parse-admin-command.js';
import type { AdminConnection, AdminRequest } from './parse-admin-command.js';
import { USAGE } from './usage.js';

/** What the CLI touches outside itself; the entry point binds these to the process. */
export type CliIo = {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a UTF-8 file; rejects when it does not exist. */
  readonly readFile: (path: string) => Promise<string>;
  readonly fetch?: typeof fetch;
};

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 bad command line. */
export const CliExit = { Ok: 0, Failed: 1, Usage: 2 } as const;
export type CliExit = (typeof CliExit)[keyof typeof CliExit];

const DEFAULT_DEMO_FILE = '.local/demo.json';
// 30 s: admin calls are single-row writes; anything slower means the gateway is not answering.
const REQUEST_TIMEOUT_MS = 30_000;

type Target = { readonly url: string; readonly token: string };

async function readDemo(
  io: CliIo,
  path: string,
  explicit: boolean,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch {
    if (explicit) throw new CliUsageError(`cannot read ${path}`);
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new CliUsageError(`${path} is not JSON`);
  }
}

async function resolveTarget(io: CliIo, connection: AdminConnection): Promise<Target> {
  let { url, token } = connection;
  if (token === undefined && connection.tokenFile !== undefined) {
    try {
      token = (await io.readFile(connection.tokenFile)).trim();
    } catch {
      throw new CliUsageError(`cannot read ${connection.tokenFile}`);
    }
  }
  if (url === undefined || token === undefined) {
    const demoPath = connection.demoFile ?? DEFAULT_DEMO_FILE;
    const demo = await readDemo(io, demoPath, connection.demoFile !== undefined);
    if (url === undefined && typeof demo['gatewayUrl'] === 'string') url = demo['gatewayUrl'];
    if (token === undefined && typeof demo['adminToken'] === 'string') token = demo['adminToken'];
  }
  if (url === undefined || token === undefined) {
    throw new CliUsageError(
      `no ${url === undefined ? '--url' : '--token'} given and none in ${connection.demoFile ?? DEFAULT_DEMO_FILE}`,
    );
  }
  return { url: url.replace(/\/+$/, ''), token };
}

async function bodyWithFile(
  io: CliIo,
  request: AdminRequest,
): Promise<Record<string, unknown> | undefined> {
  if (request.credentialsFile === undefined) return request.body;
  let text: string;
  try {
    text = await io.readFile(request.credentialsFile);
  } catch {
    throw new CliUsageError(`cannot read ${request.credentialsFile}`);
  }
  try {
    return { ...request.body, credentials: JSON.parse(text) as unknown };
  } catch {
    throw new CliUsageError(`${request.credentialsFile} is not JSON`);
  }
}

function describeFailure(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.message === 'string') {
      return `error ${status} ${String(body.error.code)}: ${body.error.message}`;
    }
  } catch {
    // Not JSON: fall through to the raw status.
  }
  return `error ${status}`;
}

/**
 * `switchyard <argv>`: today only `admin …` (see USAGE). Prints the API's JSON answer on
 * stdout and returns the exit code; never prints the admin token.
 */
export async function runSwitchyardCli(argv: readonly string[], io: CliIo): Promise<CliExit> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    io.stdout(USAGE);
    return command === undefined ? CliExit.Usage : CliExit.Ok;
  }
  try {
    if (command !== 'admin') throw new CliUsageError(`unknown command: ${command}`);
    const parsed = parseAdminCommand(rest);
    if (parsed.kind === 'help') {
      io.stdout(USAGE);
      return CliExit.Ok;
    }
    const target = await resolveTarget(io, parsed.connection);
    const body = await bodyWithFile(io, parsed.request);
    const doFetch = io.fetch ?? fetch;
    const url = target.url + ADMIN_BASE_PATH + parsed.request.path;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: parsed.request.method,
        headers: {
          authorization: `Bearer ${target.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      io.stderr(
        `cannot reach ${target.url}: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return CliExit.Failed;
    }
    const text = await res.text();
    if (!res.ok) {
      io.stderr(describeFailure(res.status, text) + '\n');
      return CliExit.Failed;
    }
    if (text !== '') io.stdout(JSON.stringify(JSON.parse(text) as unknown, null, 2) + '\n');
    return CliExit.Ok;
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.stderr(`${err.message}\n\n${USAGE}`);
      return CliExit.Usage;
    }
    throw err;
  }
}
