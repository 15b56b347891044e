import { createServer } from 'node:http';
import { Pool } from 'undici';

// The least an HTTP proxy hop costs here, started by the gateway bench as the gateway's
// baseline: a Node HTTP server that reads the body and relays it to the upstream through an
// undici keep-alive pool (as the gateway does), with the upstream key set, and streams the
// answer back. No auth, no scheduling, no records.
// Usage: node bare-proxy-process.js <port> <upstream origin> <upstream api key>
const [port, upstream, apiKey] = process.argv.slice(2);
if (port === undefined || upstream === undefined || apiKey === undefined) {
  console.error('usage: bare-proxy-process <port> <upstream origin> <upstream api key>');
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 128, pipelining: 1 });
const server = createServer((req, res) => {
  if (req.url === '/readyz') {
    res.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pool
      .request({
        method: 'POST',
        path: req.url ?? '/',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'x-api-key': apiKey,
        },
        body: Buffer.concat(chunks),
      })
      .then(async (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode, {
          'content-type': String(upstreamRes.headers['content-type'] ?? 'application/json'),
        });
        for await (const chunk of upstreamRes.body) res.write(chunk);
        res.end();
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
