import type { ConfigSection, ConfigVariableDoc } from './config-variables.js';
import { CONFIG_SECTIONS, configVariables } from './config-variables.js';

/** The README's configuration section sits between these two lines. */
export const CONFIG_SECTION_BEGIN =
  '<!-- config:begin — generated from libs/config by `node libs/config/dist/render-docs.js README.md`; edit the variables there: a test fails when the two differ -->';
export const CONFIG_SECTION_END = '<!-- config:end -->';

const INTRO = `Every service reads its settings from environment variables once, at start-up, through
\`@switchyard/config\`; nothing else reads \`process.env\`. A missing or invalid value stops
start-up with a \`ConfigError\` that names every offending variable and why.

- An empty value counts as unset, so the default applies; values are trimmed.
- Numbers are plain decimals (no units, no exponents); the unit is in the variable name.
- Booleans are \`true\`, \`false\`, \`1\` or \`0\`.
- Cron expressions have 5 fields (minute hour day-of-month month day-of-week) and run in UTC.
- Secrets (tokens, keys, URLs that may carry passwords) are never echoed in error messages.
`;

const SECTION_INTROS: Readonly<Record<ConfigSection, string>> = {
  common: 'Read by gateway, scheduler, snapshot-builder and metrics-aggregator.',
  gateway: 'Client API, admin API, upstream relay and failover.',
  scheduler: 'Account selection, stickiness, concurrency slots and waiting.',
  'snapshot-builder': 'Account events to Redis bucket snapshots, full rebuilds.',
  'metrics-aggregator': 'Usage and error ingest, aggregation, retention and reports.',
  migrate: 'The migration runner (`pnpm migrate`) reads only `DATABASE_URL`.',
};

function defaultCell(v: ConfigVariableDoc): string {
  if (v.default !== null) return `\`${v.default}\``;
  return v.required ? 'required' : 'unset';
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

// Padded the way prettier aligns markdown tables, so the generated file passes `prettier --check`.
function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The README's configuration reference: one table of variables per service. */
export function renderConfigMarkdown(): string {
  const sections = CONFIG_SECTIONS.map((section) => {
    const rows = configVariables
      .filter((v) => v.service === section)
      .map((v) => [`\`${v.name}\``, defaultCell(v), escapeCell(v.description)]);
    const table = renderTable(['Variable', 'Default', 'Description'], rows);
    return `### ${section}\n\n${SECTION_INTROS[section]}\n\n${table}\n`;
  });
  return [INTRO, ...sections].join('\n');
}

/** `readme` with the text between the configuration markers replaced by the current tables. */
export function replaceConfigSection(readme: string): string {
  const begin = readme.indexOf(CONFIG_SECTION_BEGIN);
  const end = readme.indexOf(CONFIG_SECTION_END);
  if (begin < 0 || end < begin) {
    throw new Error('the README has no configuration markers (config:begin / config:end)');
  }
  const head = readme.slice(0, begin + CONFIG_SECTION_BEGIN.length);
  return `${head}\n\n${renderConfigMarkdown()}\n${readme.slice(end)}`;
}

/** The text between the configuration markers, as the README holds it now. */
export function readConfigSection(readme: string): string {
  const begin = readme.indexOf(CONFIG_SECTION_BEGIN);
  const end = readme.indexOf(CONFIG_SECTION_END);
  if (begin < 0 || end < begin) return '';
  return readme.slice(begin + CONFIG_SECTION_BEGIN.length, end).trim() + '\n';
}
