/**
 * The dashboard's browser script, served as /dashboard/assets/dashboard.js. Plain ES2017 in a
 * string (kept free of backticks and template placeholders) so that the service ships it without
 * a bundler and without reading files next to its own code. It polls the ops API every
 * `refresh` seconds (query parameter, default 30) and redraws the uPlot charts in place;
 * `window.__dashboard` exposes the charts and a refresh counter to tests.
 */
export const DASHBOARD_SCRIPT = `(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var refreshSeconds = Math.max(1, Number(params.get('refresh')) || 30);
  var charts = {};
  var state = { platform: params.get('platform') || '', granularity: params.get('granularity') || 'hour' };
  // Read by the browser test and handy in a console: which charts exist, how often we refreshed.
  var debug = { charts: charts, refreshes: 0, lastError: null, refreshSeconds: refreshSeconds };
  window.__dashboard = debug;

  var COLORS = ['#2f6fde', '#e0533d', '#16a34a', '#f59e0b', '#9333ea', '#64748b'];

  function query(values) {
    var search = new URLSearchParams();
    Object.keys(values).forEach(function (key) {
      if (values[key] !== '' && values[key] !== undefined && values[key] !== null) search.set(key, values[key]);
    });
    var text = search.toString();
    return text ? '?' + text : '';
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (res) {
      if (!res.ok && res.status !== 503) throw new Error(url + ' answered ' + res.status);
      return res.json();
    });
  }

  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }
  function msLabel(value) {
    if (value === null || value === undefined) return '–';
    return value >= 1000 ? fmt(value / 1000, value >= 10000 ? 0 : 1) + ' s' : fmt(value) + ' ms';
  }
  function pct(value) {
    return value === null || value === undefined ? '–' : (value * 100).toFixed(2) + ' %';
  }
  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (cls) el.className = cls;
    return el;
  }

  function chartWidth(el) {
    return Math.max(300, Math.floor(el.getBoundingClientRect().width));
  }

  // Creates the chart the first time, afterwards only swaps its data.
  function drawChart(id, series, data, extra) {
    var el = document.getElementById(id);
    var existing = charts[id];
    if (existing && existing.__seriesKey === series.map(function (s) { return s.label; }).join('|')) {
      existing.setData(data);
      return existing;
    }
    if (existing) existing.destroy();
    var opts = {
      width: chartWidth(el),
      height: 230,
      series: [{}].concat(series.map(function (s, i) {
        return Object.assign({ stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false }, s);
      })),
      axes: [{}, { size: 60 }],
      legend: { live: true },
    };
    if (extra) Object.assign(opts, extra);
    var chart = new uPlot(opts, data, el);
    chart.__seriesKey = series.map(function (s) { return s.label; }).join('|');
    charts[id] = chart;
    return chart;
  }

  function trendCharts(trend) {
    var points = trend.points;
    var xs = points.map(function (p) { return Date.parse(p.bucketStart) / 1000; });
    var col = function (read) { return points.map(read); };
    drawChart('chart-throughput', [
      { label: 'successes', fill: 'rgba(47,111,222,0.08)' },
      { label: 'errors' },
      { label: 'SLA errors' },
    ], [xs, col(function (p) { return p.successCount; }), col(function (p) { return p.errorCount; }),
      col(function (p) { return p.slaErrorCount; })]);
    var asPct = function (v) { return v === null ? null : v * 100; };
    drawChart('chart-errors', [
      { label: 'error rate %', value: function (u, v) { return v === null ? '–' : v.toFixed(2) + ' %'; } },
      { label: 'SLA error rate %', value: function (u, v) { return v === null ? '–' : v.toFixed(2) + ' %'; } },
    ], [xs, col(function (p) { return asPct(p.errorRate); }), col(function (p) { return asPct(p.slaErrorRate); })]);
    // Log scale: p99 is often ten times p50, and a linear axis would flatten p50 to a line.
    var positive = function (v) { return v === null || v <= 0 ? null : v; };
    ['duration', 'ttft'].forEach(function (metric) {
      drawChart('chart-' + metric, [
        { label: 'p50', value: function (u, v) { return msLabel(v); } },
        { label: 'p90', value: function (u, v) { return msLabel(v); } },
        { label: 'p99', value: function (u, v) { return msLabel(v); } },
      ], [xs, col(function (p) { return positive(p[metric].p50); }), col(function (p) { return positive(p[metric].p90); }),
        col(function (p) { return positive(p[metric].p99); })], {
        scales: { y: { distr: 3 } },
        axes: [{}, { size: 64, values: function (u, splits) { return splits.map(msLabel); } }],
      });
    });
  }

  var STATES = ['schedulable', 'rate_limited', 'overloaded', 'temp_unschedulable', 'error', 'disabled'];
  var STATE_COLORS = ['#16a34a', '#f59e0b', '#e0533d', '#9333ea', '#b91c1c', '#94a3b8'];

  // Stacked bars, one per platform: series k holds the running sum of states 0..k and is drawn
  // beneath series k+1, so each band shows one state; the legend shows the state's own count.
  function accountsChart(availability) {
    var rows = availability.rows.filter(function (r) {
      return r.groupId === null && (state.platform === '' || r.platform === state.platform);
    });
    var xs = rows.map(function (_, i) { return i; });
    var raw = STATES.map(function (s) { return rows.map(function (r) { return r.counts[s]; }); });
    var running = rows.map(function () { return 0; });
    var stacked = raw.map(function (values) {
      running = running.map(function (sum, i) { return sum + values[i]; });
      return running.slice();
    });
    var order = STATES.map(function (_, i) { return STATES.length - 1 - i; });
    var bars = uPlot.paths.bars({ size: [0.6, 80] });
    var series = order.map(function (k) {
      return {
        label: STATES[k].replace(/_/g, ' '),
        fill: STATE_COLORS[k],
        stroke: STATE_COLORS[k],
        paths: bars,
        points: { show: false },
        value: function (u, v, si, i) { return i === null || i === undefined ? '–' : String(raw[k][i]); },
      };
    });
    var labels = rows.map(function (r) { return r.platform; });
    var data = [xs].concat(order.map(function (k) { return stacked[k]; }));
    drawChart('chart-accounts', series, data, {
      scales: {
        x: { time: false, range: function () { return [-0.5, Math.max(rows.length - 0.5, 0.5)]; } },
        y: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil(max * 1.1))]; } },
      },
      axes: [
        { values: function (u, splits) { return splits.map(function (v) { return labels[v] === undefined ? '' : labels[v]; }); },
          splits: function () { return xs; } },
        { size: 50 },
      ],
    });
  }

  function tiles(overview) {
    var el = document.getElementById('tiles');
    el.replaceChildren();
    [
      ['requests / s', fmt(overview.qps, 2)],
      ['tokens / s', fmt(overview.tokensPerSecond, 0)],
      ['success rate', pct(overview.successRate)],
      ['error rate', pct(overview.errorRate)],
      ['SLA error rate', pct(overview.slaErrorRate)],
      ['duration p50 / p99', fmt(overview.durationP50Ms) + ' / ' + fmt(overview.durationP99Ms) + ' ms'],
      ['TTFT p50 / p99', fmt(overview.ttftP50Ms) + ' / ' + fmt(overview.ttftP99Ms) + ' ms'],
    ].forEach(function (tile) {
      var box = text('div', '', 'tile');
      box.appendChild(text('div', tile[0] + ' (last ' + Math.round(overview.windowSeconds / 60) + ' min)', 'label'));
      box.appendChild(text('div', tile[1], 'value'));
      el.appendChild(box);
    });
  }

  function smallTable(headers, rows) {
    var table = document.createElement('table');
    var head = document.createElement('tr');
    headers.forEach(function (h, i) { head.appendChild(text('th', h, i > 0 ? 'num' : '')); });
    table.appendChild(head);
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      row.forEach(function (cell, i) { tr.appendChild(text('td', String(cell), i > 0 ? 'num' : '')); });
      table.appendChild(tr);
    });
    return table;
  }

  function errorTables(errors) {
    var el = document.getElementById('error-tables');
    el.replaceChildren();
    if (errors.total === 0) {
      el.appendChild(text('p', 'No errors in the last hour.', 'empty'));
      return;
    }
    el.appendChild(text('p', fmt(errors.total) + ' errors, ' + fmt(errors.businessLimited) + ' business-limited'));
    el.appendChild(smallTable(['owner', 'errors'], errors.byOwner.map(function (r) { return [r.owner, fmt(r.count)]; })));
    el.appendChild(document.createElement('br'));
    el.appendChild(smallTable(['client status', 'errors'], errors.byStatus.map(function (r) { return [r.statusCode, fmt(r.count)]; })));
  }

  function schedulerTable(metrics) {
    var el = document.getElementById('scheduler');
    el.replaceChildren();
    if (!metrics.replicas || metrics.replicas.length === 0) {
      el.appendChild(text('p', metrics.error ? 'No scheduler answered (' + metrics.error + ').' : 'No scheduler answered.', 'empty'));
      return;
    }
    el.appendChild(smallTable(['replica', 'selects', 'sticky hit', 'switch rate', 'p99 decision µs'],
      metrics.replicas.map(function (r) {
        return [r.replicaId, fmt(r.selectTotal), pct(r.stickyHitRatio), pct(r.switchRate), fmt(r.decisionLatencyP99Us)];
      })));
  }

  function setStatus(message, isError) {
    var el = document.getElementById('status');
    el.textContent = message;
    el.className = isError ? 'error' : '';
  }

  var timer = null;
  function refresh() {
    clearTimeout(timer);
    var filter = { platform: state.platform };
    var loads = [
      getJson('/api/ops/trends' + query({ granularity: state.granularity, platform: state.platform })).then(trendCharts),
      getJson('/api/ops/overview' + query(filter)).then(tiles),
      getJson('/api/ops/accounts').then(accountsChart),
      getJson('/api/ops/errors' + query(filter)).then(errorTables),
      getJson('/api/ops/scheduler').then(schedulerTable),
    ];
    Promise.allSettled(loads).then(function (results) {
      var failed = results.filter(function (r) { return r.status === 'rejected'; });
      debug.refreshes++;
      if (failed.length > 0) {
        debug.lastError = String(failed[0].reason);
        setStatus('refresh failed: ' + debug.lastError, true);
      } else {
        debug.lastError = null;
        setStatus('updated ' + new Date().toLocaleTimeString() + ' · refreshes every ' + refreshSeconds + ' s', false);
      }
      timer = setTimeout(refresh, refreshSeconds * 1000);
    });
  }

  var platformSelect = document.getElementById('platform');
  var granularitySelect = document.getElementById('granularity');
  platformSelect.value = state.platform;
  granularitySelect.value = state.granularity;
  platformSelect.addEventListener('change', function () { state.platform = platformSelect.value; refresh(); });
  granularitySelect.addEventListener('change', function () { state.granularity = granularitySelect.value; refresh(); });
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      var el = document.getElementById(id);
      charts[id].setSize({ width: chartWidth(el), height: 230 });
    });
  });
  refresh();
})();
`;
