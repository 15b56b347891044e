import { connectBus, serve } from '@switchyard/bus';
import { selectRequestSchema } from '@switchyard/contracts';
const [url, mode] = process.argv.slice(2);
const bus = await connectBus({ servers: url, name: 'child' });
const result = {"account":{"id":1000014,"platform":"anthropic","type":"apikey","concurrency":1000},"slot":{"acquired":true,"token":"stock:bench-scheduler:1a2b3c4d:123","expiresAt":1795325363962},"decision":{"layer":"load_balance","candidateCount":50,"topK":7,"loadSkew":0,"escapeReason":null,"score":{"total":4,"priority":1,"load":1,"queue":0.7,"errorRate":0.8,"ttft":0.5}}};
if (mode === 'serve') serve(bus.nc, 'sched.v1.select', { queue: 'scheduler', requestSchema: selectRequestSchema, handler: async () => result });
else bus.nc.subscribe('echo', { callback: (_e, m) => void m.respond(m.data) });
await bus.nc.flush();
console.log('ready');
