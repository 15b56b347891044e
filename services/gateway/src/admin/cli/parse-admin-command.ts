import { CliUsageError } from './cli-usage-error.js';
import {
  ACCOUNT_FIELDS,
  API_KEY_FIELDS,
  GROUP_FIELDS,
  LIST_FILTERS,
  bodyFromFlags,
} from './field-flags.js';
import type { FieldFlag } from './field-flags.js';
import { parseFlags } from './parse-flags.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One admin API call, relative to `/admin/v1`. */
export type AdminRequest = {
  readonly method: HttpMethod;
  /** Path with query, e.g. `/accounts?platform=openai`. */
  readonly path: string;
  readonly body?: Record<string, unknown>;
  /** Read this file as the JSON `credentials` field (kept off the command line and `ps`). */
  readonly credentialsFile?: string;
};

/** Where the admin API is and how to authenticate; unset parts come from the demo file. */
export type AdminConnection = {
  readonly url?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly demoFile?: string;
};

export type AdminCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'call'; readonly request: AdminRequest; readonly connection: AdminConnection };

type Resource = 'accounts' | 'groups' | 'api-keys';

const RESOURCES: Readonly<Record<string, Resource>> = {
  accounts: 'accounts',
  account: 'accounts',
  groups: 'groups',
  group: 'groups',
  'api-keys': 'api-keys',
  'api-key': 'api-keys',
  keys: 'api-keys',
  key: 'api-keys',
};

const FIELDS: Readonly<Record<Resource, readonly FieldFlag[]>> = {
  accounts: ACCOUNT_FIELDS,
  groups: GROUP_FIELDS,
  'api-keys': API_KEY_FIELDS,
};

const CONNECTION_FLAGS = ['url', 'token', 'token-file', 'demo'];

function idArg(value: string | undefined, verb: string): string {
  if (value === undefined || !/^[1-9][0-9]*$/.test(value)) {
    throw new CliUsageError(`${verb} needs a numeric id`);
  }
  return value;
}

function checkKnownFlags(flags: ReadonlyMap<string, string>, allowed: readonly string[]): void {
  for (const name of flags.keys()) {
    if (!allowed.includes(name) && !CONNECTION_FLAGS.includes(name)) {
      throw new CliUsageError(`unknown flag --${name} here`);
    }
  }
}

/** The body of create/update: `--json` as a base, field flags and credentials on top. */
function bodyOf(
  resource: Resource,
  flags: ReadonlyMap<string, string>,
): { body: Record<string, unknown>; credentialsFile?: string } {
  let body: Record<string, unknown> = {};
  const raw = flags.get('json');
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new CliUsageError('--json must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliUsageError('--json must be a JSON object');
    }
    body = { ...(parsed as Record<string, unknown>) };
  }
  Object.assign(body, bodyFromFlags(FIELDS[resource], flags));
  if (resource !== 'accounts') return { body };
  const apiKey = flags.get('api-key');
  const credentials = flags.get('credentials');
  if (apiKey !== undefined && credentials !== undefined) {
    throw new CliUsageError('give --api-key or --credentials, not both');
  }
  if (apiKey !== undefined) body['credentials'] = { apiKey };
  if (credentials?.startsWith('@') === true) return { body, credentialsFile: credentials.slice(1) };
  if (credentials !== undefined) {
    Object.assign(
      body,
      bodyFromFlags([{ flag: 'credentials', field: 'credentials', kind: 'json' }], flags),
    );
  }
  return { body };
}

function bodyFlags(resource: Resource): string[] {
  const names = FIELDS[resource].map((f) => f.flag);
  return resource === 'accounts'
    ? [...names, 'json', 'api-key', 'credentials']
    : [...names, 'json'];
}

function listPath(resource: Resource, flags: ReadonlyMap<string, string>): string {
  const allowed = LIST_FILTERS[resource] ?? [];
  checkKnownFlags(flags, allowed);
  const query = new URLSearchParams();
  for (const name of allowed) {
    const value = flags.get(name);
    // `group-id` → `groupId`: the API's query names are the body's field names.
    if (value !== undefined)
      query.set(
        name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
        value,
      );
  }
  const qs = query.toString();
  return qs === '' ? `/${resource}` : `/${resource}?${qs}`;
}

function requestFor(
  resource: Resource,
  verb: string,
  args: readonly string[],
  flags: ReadonlyMap<string, string>,
): AdminRequest {
  const base = `/${resource}`;
  switch (verb) {
    case 'list':
      return { method: 'GET', path: listPath(resource, flags) };
    case 'get':
      checkKnownFlags(flags, []);
      return { method: 'GET', path: `${base}/${idArg(args[0], verb)}` };
    case 'delete':
      checkKnownFlags(flags, []);
      return { method: 'DELETE', path: `${base}/${idArg(args[0], verb)}` };
    case 'create':
    case 'update': {
      checkKnownFlags(flags, bodyFlags(resource));
      const { body, credentialsFile } = bodyOf(resource, flags);
      if (Object.keys(body).length === 0 && credentialsFile === undefined) {
        throw new CliUsageError(`${verb} needs at least one field flag (or --json)`);
      }
      const path = verb === 'create' ? base : `${base}/${idArg(args[0], verb)}`;
      return {
        method: verb === 'create' ? 'POST' : 'PATCH',
        path,
        body,
        ...(credentialsFile === undefined ? {} : { credentialsFile }),
      };
    }
    default:
      break;
  }
  if (resource === 'accounts') {
    switch (verb) {
      case 'clear-rate-limit':
        checkKnownFlags(flags, []);
        return { method: 'POST', path: `${base}/${idArg(args[0], verb)}/clear-rate-limit` };
      case 'schedulable': {
        checkKnownFlags(flags, []);
        const id = idArg(args[0], verb);
        const value = args[1];
        if (value !== 'true' && value !== 'false') {
          throw new CliUsageError('schedulable needs an id and true or false');
        }
        return {
          method: 'PUT',
          path: `${base}/${id}/schedulable`,
          body: { schedulable: value === 'true' },
        };
      }
      case 'set-groups': {
        checkKnownFlags(flags, ['group-ids']);
        const id = idArg(args[0], verb);
        const body = bodyFromFlags(
          [{ flag: 'group-ids', field: 'groupIds', kind: 'ids' }],
          new Map([['group-ids', flags.get('group-ids') ?? args[1] ?? '']]),
        );
        return { method: 'PUT', path: `${base}/${id}/groups`, body };
      }
      default:
        break;
    }
  }
  throw new CliUsageError(`unknown command: ${resource} ${verb}`);
}

/**
 * Reads `switchyard admin <resource> <verb> [args] [--flags]` (argv after `admin`) into the
 * admin API call it stands for. Pure: files and the network are the runner's business.
 */
export function parseAdminCommand(argv: readonly string[]): AdminCommand {
  const { positionals, flags } = parseFlags(argv);
  const [resourceWord, verb, ...args] = positionals;
  if (flags.has('help') || resourceWord === undefined || resourceWord === 'help') {
    return { kind: 'help' };
  }
  const resource = RESOURCES[resourceWord];
  if (resource === undefined) throw new CliUsageError(`unknown resource: ${resourceWord}`);
  if (verb === undefined) throw new CliUsageError(`${resource} needs a verb`);
  const connectionFlags = new Map([...flags].filter(([name]) => CONNECTION_FLAGS.includes(name)));
  const request = requestFor(resource, verb, args, flags);
  const url = connectionFlags.get('url');
  const token = connectionFlags.get('token');
  const tokenFile = connectionFlags.get('token-file');
  const demoFile = connectionFlags.get('demo');
  return {
    kind: 'call',
    request,
    connection: {
      ...(url === undefined ? {} : { url }),
      ...(token === undefined ? {} : { token }),
      ...(tokenFile === undefined ? {} : { tokenFile }),
      ...(demoFile === undefined ? {} : { demoFile }),
    },
  };
}
