import { randomBytes } from 'node:crypto';
import { startHarness, type Harness } from '@switchyard/harness';
import { spawnService, type ServiceName, type ServiceProcess } from '@switchyard/e2e';

// The four services as real processes against real NATS, Redis and Postgres: each becomes
// ready, reports which dependency is down when one is, and exits 0 on SIGTERM.
const services: ServiceName[] = ['gateway', 'scheduler', 'snapshot-builder', 'metrics-aggregator'];

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('service processes', () => {
  let harness: Harness;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, postgres: true, migrate: true });
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await harness.stop();
  });

  function envFor(): Record<string, string> {
    return {
      NATS_URL: harness.natsUrl!,
      REDIS_URL: harness.redisUrl!,
      DATABASE_URL: harness.databaseUrl!,
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
      CREDENTIAL_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
    };
  }

  it.each(services)('%s becomes ready, logs JSON and exits 0 on SIGTERM', async (name) => {
    const svc = await spawnService(name, envFor());
    running.push(svc);
    await waitFor(async () => (await fetch(`${svc.url}/readyz`)).status === 200, 30000);
    const health = await fetch(`${svc.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = (await (await fetch(`${svc.url}/readyz`)).json()) as {
      checks: Record<string, string>;
    };
    expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['nats', 'redis']));
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');

    const exit = await svc.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const lines = svc.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { service: string }).service)).toContain(name);
  });

  it('refuses to start with a bad variable and names it', async () => {
    const svc = await spawnService('scheduler', { ...envFor(), SCHED_TOP_K: 'many' });
    const exit = await new Promise<number | null>((ok) =>
      svc.child.once('exit', (code) => ok(code)),
    );
    expect(exit).not.toBe(0);
    expect(svc.output()).toContain('SCHED_TOP_K');
  });

  it('is not ready while Redis is down and names redis as the failing check', async () => {
    const own = await startHarness({ nats: true, redis: true, postgres: false });
    try {
      const svc = await spawnService('scheduler', {
        ...envFor(),
        NATS_URL: own.natsUrl!,
        REDIS_URL: own.redisUrl!,
      });
      running.push(svc);
      await waitFor(async () => (await fetch(`${svc.url}/readyz`)).status === 200, 30000);
      await own.redis!.stop();
      await waitFor(async () => (await fetch(`${svc.url}/readyz`)).status === 503, 15000);
      const body = (await (await fetch(`${svc.url}/readyz`)).json()) as {
        checks: Record<string, string>;
      };
      expect(body.checks.redis).not.toBe('ok');
      expect(body.checks.nats).toBe('ok');
    } finally {
      await own.stop();
    }
  });
});
