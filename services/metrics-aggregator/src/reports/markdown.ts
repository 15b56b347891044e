/** Small helpers to write Markdown tables that survive arbitrary cell text. */

export function cell(value: string | number | null): string {
  if (value === null) return '–';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function percent(ratio: number | null): string | null {
  return ratio === null ? null : `${(ratio * 100).toFixed(2)} %`;
}

export function ms(value: number | null): string | null {
  return value === null ? null : `${Math.round(value)} ms`;
}

export function integer(value: number): string {
  return value.toLocaleString('en-US');
}
