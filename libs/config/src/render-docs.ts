// Rewrites the configuration section of the README named on the command line:
//   node libs/config/dist/render-docs.js README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceConfigSection } from './render-config-markdown.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: render-docs.js <README.md>\n');
  process.exit(2);
}
writeFileSync(file, replaceConfigSection(readFileSync(file, 'utf8')));
