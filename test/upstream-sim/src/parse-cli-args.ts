import type { BehaviourInput } from './core/behaviour.js';
import { SimConfigError } from './core/sim-config-error.js';

export interface CliOptions {
  readonly port: number;
  readonly host: string;
  readonly defaults: BehaviourInput;
}

export const CLI_USAGE =
  'usage: node dist/main.js [--port N] [--host H] [--ttft-ms N] [--inter-token-ms N] [--output-tokens N]';

// 18090: the port the local demo and e2e scripts expect when none is given.
const DEFAULT_PORT = 18090;

function number(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n) || n < 0) {
    throw new SimConfigError(`${flag} needs a non-negative number\n${CLI_USAGE}`);
  }
  return n;
}

/** Parses `--flag value` and `--flag=value` arguments (no environment variables). */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  let port = DEFAULT_PORT;
  let host = '127.0.0.1';
  const defaults: { ttftMs?: number; interTokenMs?: number; outputTokens?: number } = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--port':
        port = number(flag, takeValue());
        break;
      case '--host': {
        const value = takeValue();
        if (value === undefined || value === '')
          throw new SimConfigError(`--host needs a value\n${CLI_USAGE}`);
        host = value;
        break;
      }
      case '--ttft-ms':
        defaults.ttftMs = number(flag, takeValue());
        break;
      case '--inter-token-ms':
        defaults.interTokenMs = number(flag, takeValue());
        break;
      case '--output-tokens':
        defaults.outputTokens = number(flag, takeValue());
        break;
      default:
        throw new SimConfigError(`unknown argument '${arg}'\n${CLI_USAGE}`);
    }
  }
  if (!Number.isInteger(port) || port > 65_535) throw new SimConfigError(`--port must be 0..65535`);
  return { port, host, defaults };
}
