import { CliUsageError } from './cli-usage-error.js';

/** `--name value` / `--name=value` pairs and the positional words around them. */
export type ParsedArgs = {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string>;
};

/** Flags that take no value: present means true. */
const SWITCHES = new Set(['help']);

/** Splits argv into positionals and flags; a flag given twice is an error. */
export function parseFlags(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (SWITCHES.has(name)) value = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new CliUsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (name === '') throw new CliUsageError('empty flag name');
    if (flags.has(name)) throw new CliUsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return { positionals, flags };
}
