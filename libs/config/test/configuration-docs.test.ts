import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_SECTIONS,
  configVariables,
  readConfigSection,
  renderConfigMarkdown,
} from '@switchyard/config';

describe('configVariables', () => {
  it('documents every variable with a description and either a default or a required flag', () => {
    for (const v of configVariables) {
      expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(v.description.length).toBeGreaterThan(10);
      if (v.required) expect(v.default).toBeNull();
    }
  });

  it('lists each variable once per section', () => {
    for (const section of CONFIG_SECTIONS) {
      const names = configVariables.filter((v) => v.service === section).map((v) => v.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('gives HTTP_PORT the default port of each service', () => {
    const ports = configVariables
      .filter((v) => v.name === 'HTTP_PORT')
      .map((v) => [v.service, v.default]);
    expect(ports).toEqual([
      ['gateway', '8080'],
      ['scheduler', '8081'],
      ['snapshot-builder', '8082'],
      ['metrics-aggregator', '8083'],
    ]);
  });

  it('marks DATABASE_URL required for all services and migrations', () => {
    const databaseUrl = configVariables.filter((v) => v.name === 'DATABASE_URL');
    expect(databaseUrl.map((v) => [v.service, v.required])).toEqual([
      ['common', true],
      ['migrate', true],
    ]);
  });
});

describe('the README configuration section', () => {
  it('is exactly what renderConfigMarkdown() produces (regenerate with render-docs.js README.md)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    expect(readConfigSection(readme)).toBe(renderConfigMarkdown());
  });

  it('has one table row per documented variable', () => {
    const rows = renderConfigMarkdown()
      .split('\n')
      .filter((line) => /^\| `[A-Z]/.test(line));
    expect(rows).toHaveLength(configVariables.length);
  });
});
