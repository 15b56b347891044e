/**
 * The dashboard's HTML. Static: all data comes from the ops API through dashboard.js, so the
 * page can be cached by nobody and rendered by anything. uPlot (npm, served from our own
 * node_modules — the machines have no internet) draws the charts.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard — operations</title>
<link rel="stylesheet" href="/dashboard/assets/uPlot.min.css">
<style>
  :root { --bg: #f4f6f9; --card: #fff; --ink: #1d2433; --muted: #667085; --line: #e3e7ee; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 14px 24px; background: #1d2433; color: #fff; }
  header h1 { font-size: 18px; margin: 0 16px 0 0; font-weight: 600; }
  header label { font-size: 13px; color: #c9d1e0; }
  header select { margin-left: 6px; padding: 3px 6px; border-radius: 4px; border: 0; }
  #status { margin-left: auto; font-size: 12px; color: #c9d1e0; }
  #status.error { color: #ffb4a8; }
  main { padding: 18px 24px 32px; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; margin-bottom: 18px; }
  .tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
  .tile .label { color: var(--muted); font-size: 12px; }
  .tile .value { font-size: 22px; font-weight: 600; margin-top: 2px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
  .card h2 { font-size: 14px; margin: 0 0 8px; font-weight: 600; }
  .chart { width: 100%; min-height: 250px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
  th { color: var(--muted); font-weight: 500; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .empty { color: var(--muted); font-style: italic; }
</style>
</head>
<body>
<header>
  <h1>Switchyard — operations</h1>
  <label>Platform
    <select id="platform">
      <option value="">all platforms</option>
      <option value="anthropic">anthropic</option>
      <option value="openai">openai</option>
      <option value="gemini">gemini</option>
      <option value="antigravity">antigravity</option>
      <option value="unknown">unknown (failed before routing)</option>
    </select>
  </label>
  <label>Buckets
    <select id="granularity">
      <option value="hour">hourly, last 48 h</option>
      <option value="day">daily, last 30 days</option>
    </select>
  </label>
  <span id="status">loading…</span>
</header>
<main>
  <section class="tiles" id="tiles"></section>
  <section class="grid">
    <div class="card"><h2>Throughput (requests per bucket)</h2><div class="chart" id="chart-throughput"></div></div>
    <div class="card"><h2>Error rates</h2><div class="chart" id="chart-errors"></div></div>
    <div class="card"><h2>Duration percentiles</h2><div class="chart" id="chart-duration"></div></div>
    <div class="card"><h2>Time to first token percentiles</h2><div class="chart" id="chart-ttft"></div></div>
    <div class="card"><h2>Account availability</h2><div class="chart" id="chart-accounts"></div></div>
    <div class="card"><h2>Errors in the last hour</h2><div id="error-tables"></div></div>
    <div class="card"><h2>Scheduler replicas</h2><div id="scheduler"></div></div>
  </section>
</main>
<script src="/dashboard/assets/uPlot.iife.min.js"></script>
<script src="/dashboard/assets/dashboard.js"></script>
</body>
</html>
`;
