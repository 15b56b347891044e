// Writes docs/configuration.md to stdout:
//   node libs/config/dist/render-docs.js > docs/configuration.md
import { renderConfigMarkdown } from './render-config-markdown.js';

process.stdout.write(renderConfigMarkdown());
