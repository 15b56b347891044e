import { spawn } from 'node:child_process';
import { connectBus, createSchedulerClient } from '@switchyard/bus';
import { startHarness } from '@switchyard/harness';
import { summarizeNs, timeSequential } from '@switchyard/bench';
const harness = await startHarness({ nats: true });
const bus = await connectBus({ servers: harness.natsUrl, name: 'p' });
const kids = ['serve', 'echo'].map((m) => spawn(process.execPath, ['tmp-serve-child.mjs', harness.natsUrl, m], { stdio: 'ignore' }));
await new Promise((r) => setTimeout(r, 1500));
const client = createSchedulerClient(bus.nc, { timeoutMs: 2000 });
const payload = new TextEncoder().encode(JSON.stringify({ requestId: 'bench-00000000', groupId: 2, platform: 'anthropic', excludedAccountIds: [] }));
let n = 0;
for (let round = 0; round < 2; round++) {
  const e = summarizeNs(await timeSequential(() => bus.nc.request('echo', payload, { timeout: 2000 }), 5000));
  const s = summarizeNs(await timeSequential(() => client.select({ requestId: 'r' + (++n), groupId: 2, platform: 'anthropic' }), 5000));
  const raw = summarizeNs(await timeSequential(() => bus.nc.request('sched.v1.select', payload, { timeout: 2000 }), 5000));
  console.log('echo', e.p50Us, 'serve via client', s.p50Us, 'serve raw request', raw.p50Us);
}
for (const k of kids) k.kill();
await bus.close(); await harness.stop();
