import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadGatewayConfig } from '@switchyard/config';
import { createCredentialCipher, createDb } from '@switchyard/db';
import { seedDemo, type DemoInfo } from '../demo/seed-demo.js';

// `node services/gateway/dist/cli/seed-demo.js --sim-url URL --gateway-url URL --out FILE`
// Seeds the local demo (used by `npm start`) and writes FILE as
// {gatewayUrl, adminToken, apiKeys}. Configuration (DATABASE_URL, CREDENTIAL_KEY, ADMIN_TOKEN)
// comes from the gateway's own config, so a demo is seeded exactly as the gateway will read it.
function arg(argv: string[], name: string): string {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (!value) throw new Error(`seed-demo: missing --${name}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const simUrl = arg(argv, 'sim-url');
  const gatewayUrl = arg(argv, 'gateway-url');
  const out = arg(argv, 'out');
  const config = loadGatewayConfig(process.env);
  const previous = existsSync(out)
    ? (JSON.parse(readFileSync(out, 'utf8')) as Partial<DemoInfo>)
    : {};
  const { db, destroy } = createDb({ url: config.databaseUrl });
  try {
    const demo = await seedDemo(
      db,
      createCredentialCipher(config.credentialKey.toString('base64')),
      {
        simUrl,
        gatewayUrl,
        adminToken: config.adminToken,
        ...(previous.apiKeys ? { previousKeys: previous.apiKeys } : {}),
      },
    );
    writeFileSync(out, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
    console.log(
      JSON.stringify({ event: 'demo.seeded', out, platforms: Object.keys(demo.apiKeys) }),
    );
  } finally {
    await destroy();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(
    JSON.stringify({
      event: 'demo.seed_failed',
      message: err instanceof Error ? err.message : String(err),
    }),
  );
  process.exit(1);
});
