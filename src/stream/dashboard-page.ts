/**
 * The live dashboard page served next to the event stream: one self-contained HTML document (inline CSS and
 * JavaScript, nothing fetched from elsewhere) that reads the extended stream and draws every circuit the way the
 * Netflix Hystrix dashboard does.
 */

/**
 * A string as a JavaScript string literal that is also inert inside an HTML `<script>` element: `<`, `>` and `&`
 * are escaped so that neither `</script>` nor `<!--` can end or confuse the element, and U+2028/U+2029 so that
 * older parsers do not see a line break inside the literal.
 */
function scriptString(value: string): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const HEAD = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Hystrix dashboard · hystrix-ts</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E
%3Ccircle cx='8' cy='8' r='7' fill='%232da44e'/%3E%3C/svg%3E">
<style>
:root {
  --bg: #eef1f4; --card: #fff; --ink: #1f2328; --muted: #59636e; --faint: #8c959f; --line: #d1d9e0;
  --ok: #1a7f37; --short: #0a58ca; --timeout: #b35900; --reject: #8250df; --fail: #cf222e;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 13px/1.35 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
.bar {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center;
  gap: 8px 18px; padding: 9px 16px; background: #22272e; color: #f0f3f6;
}
.brand { margin: 0; font-size: 16px; font-weight: 600; white-space: nowrap; }
.brand span { font-weight: 400; color: #9ea7b3; }
.summary { color: #c5ced8; white-space: nowrap; }
.summary b { color: #fff; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin-left: auto; }
.controls label { display: inline-flex; gap: 6px; align-items: center; color: #c5ced8; }
input, select {
  appearance: none; font: inherit; color: var(--ink); background-color: #fff; border: 0;
  border-radius: 6px; padding: 3px 8px; height: 28px;
}
select {
  padding-right: 26px; background-repeat: no-repeat; background-position: right 8px center;
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E\
%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%2359636e' stroke-width='1.5'/%3E%3C/svg%3E");
}
input[type=search] { width: 200px; }
input:focus-visible, select:focus-visible { outline: 2px solid #4493f8; outline-offset: 1px; }
.conn { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
.conn::before { content: ""; width: 9px; height: 9px; border-radius: 50%; background: #9ea7b3; }
body[data-connection=live] .conn::before { background: #3fb950; }
body[data-connection=lost] .conn::before { background: #f85149; }
body[data-connection=lost] .conn { color: #ffb1ab; }
.last { color: #9ea7b3; white-space: nowrap; }
.board {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(296px, 1fr)); gap: 12px;
  padding: 14px 16px 24px; margin: 0;
}
body[data-connection=lost] .board { opacity: .55; }
.empty { margin: 48px 16px; text-align: center; color: var(--muted); font-size: 15px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-top: 4px solid #2da44e; border-radius: 8px;
  padding: 7px 10px 8px; min-width: 0; content-visibility: auto; contain-intrinsic-size: auto 236px;
}
.card[hidden] { display: none; }
.card[data-state=open] { border-top-color: var(--fail); }
.card[data-state=half-open] { border-top-color: #d4a72c; }
.head { display: flex; align-items: center; gap: 8px; }
.name {
  flex: 1; min-width: 0; margin: 0; font-size: 14px; font-weight: 600; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap;
}
.unnamed .name { font-style: italic; font-weight: 400; color: var(--muted); }
.state {
  flex: none; font-size: 11px; font-weight: 600; line-height: 18px; padding: 0 8px; border-radius: 9px;
  background: #dafbe1; color: #116329;
}
.card[data-state=open] .state { background: #ffebe9; color: #a40e26; }
.card[data-state=half-open] .state { background: #fff8c5; color: #6c4400; }
.card[data-forced] .state { box-shadow: inset 0 0 0 1px currentColor; }
.top {
  display: grid; grid-template-columns: 66px minmax(0, 1fr); gap: 8px; align-items: center; margin-top: 4px;
}
.bubble { display: block; width: 66px; height: 66px; }
.bubble circle { stroke: rgba(0, 0, 0, .28); stroke-width: 1; fill-opacity: .9; }
.counts {
  display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.45fr) minmax(0, 1.1fr); gap: 3px 6px;
}
.k {
  min-width: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 10.5px;
  color: var(--muted);
}
.k b { display: block; font-size: 15px; line-height: 18px; font-weight: 600; }
.ok b { color: var(--ok); } .sc b { color: var(--short); } .br b { color: var(--faint); font-weight: 400; }
.to b { color: var(--timeout); } .rj b { color: var(--reject); } .fl b { color: var(--fail); }
.mid { display: flex; align-items: flex-end; gap: 10px; margin-top: 5px; }
.err { flex: none; line-height: 1; white-space: nowrap; }
.err b { font-size: 22px; font-weight: 600; }
.err small, .rate small { display: block; margin-top: 2px; font-size: 10.5px; color: var(--muted); }
.rate { flex: none; line-height: 1; white-space: nowrap; }
.rate b { font-size: 15px; font-weight: 600; }
.spark { flex: 1; min-width: 40px; height: 30px; display: block; }
.spark path { fill: rgba(9, 105, 218, .12); stroke: none; }
.spark polyline {
  fill: none; stroke: #0969da; stroke-width: 1.4; stroke-linejoin: round; vector-effect: non-scaling-stroke;
}
.spark line { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.more {
  display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0 6px; margin-top: 6px;
  padding-top: 5px; border-top: 1px solid #eaeef2;
}
.more .k b { font-size: 12.5px; line-height: 16px; color: var(--ink); }
.lat { width: 100%; margin-top: 5px; border-collapse: collapse; font-size: 11.5px; }
.lat th { font-weight: 400; color: var(--muted); text-align: right; padding: 0 0 0 4px; font-size: 10.5px; }
.lat th:first-child { text-align: left; padding: 0; }
.lat td { text-align: right; padding: 0 0 0 4px; }
.lat thead th { border-bottom: 1px solid #eaeef2; }
.pool {
  margin: 5px 0 0; font-size: 11px; color: var(--muted); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis;
}
.pool b { color: var(--ink); font-weight: 600; }
.full .pool b[data-field=activeCount] { color: var(--reject); }
</style>
</head>
<body data-connection="connecting">
<header class="bar">
  <h1 class="brand">Hystrix dashboard <span>hystrix-ts</span></h1>
  <div class="summary"><b data-count="circuits">0</b> circuits ·
    <b data-count="open">0</b> open · <b data-count="halfOpen">0</b> half-open ·
    <b data-count="shown">0</b> shown</div>
  <div class="controls">
    <label>Filter <input type="search" data-control="filter" placeholder="name contains…"
      autocomplete="off" spellcheck="false"></label>
    <label>Sort <select data-control="sort">
      <option value="name">name</option>
      <option value="error">error %</option>
      <option value="volume">volume</option>
      <option value="latency">latency (99th)</option>
    </select></label>
    <span class="conn" role="status" data-field="connection">Connecting…</span>
    <span class="last">last message <time data-field="lastMessage">–</time></span>
  </div>
</header>
<main>
  <p class="empty" data-field="empty">Waiting for circuits: a circuit appears once its command has run.</p>
  <section class="board" data-board aria-label="circuits"></section>
</main>
<template id="card-template">
<article class="card" data-state="closed">
  <div class="head">
    <h2 class="name" data-field="name"> </h2><span class="state" data-field="state">Closed</span>
  </div>
  <div class="top">
    <svg class="bubble" viewBox="0 0 66 66" aria-hidden="true">
      <circle cx="33" cy="33" r="5" fill="#008000"></circle>
    </svg>
    <div class="counts">
      <div class="k ok" title="Success"><b data-field="successes">0</b>success</div>
      <div class="k sc" title="Short-circuited (the circuit was open)">
        <b data-field="shortCircuits">0</b>short-circuited</div>
      <div class="k br" title="Bad request: hystrix-go has none">
        <b data-field="badRequests">n/a</b>bad request</div>
      <div class="k to" title="Timeout"><b data-field="timeouts">0</b>timeout</div>
      <div class="k rj" title="Rejected (max concurrency)"><b data-field="rejects">0</b>rejected</div>
      <div class="k fl" title="Failure"><b data-field="failures">0</b>failure</div>
    </div>
  </div>
  <div class="mid">
    <div class="err" data-field-color="errorPercent">
      <b><span data-field="errorPercent">0</span>%</b><small>errors</small>
    </div>
    <div class="rate">
      <b data-field="rate">0.0</b>/s
      <small><span data-field="requests">0</span> req / <span data-field="window">10</span> s</small>
    </div>
    <svg class="spark" viewBox="0 0 120 30" preserveAspectRatio="none" aria-hidden="true">
      <line x1="0" y1="29.5" x2="120" y2="29.5"></line><path d=""></path><polyline points=""></polyline>
    </svg>
  </div>
  <div class="more">
    <div class="k" title="Fallback success"><b data-field="fallbackSuccesses">0</b>fallback ok</div>
    <div class="k" title="Fallback failure"><b data-field="fallbackFailures">0</b>fallback failed</div>
    <div class="k" title="Context canceled: the caller gave up">
      <b data-field="contextCanceled">0</b>canceled</div>
    <div class="k" title="Context deadline exceeded: the caller's deadline passed">
      <b data-field="contextDeadlineExceeded">0</b>deadline</div>
  </div>
  <table class="lat">
    <thead><tr>
      <th scope="col">latency (ms)</th><th scope="col">mean</th><th scope="col">90th</th>
      <th scope="col">99th</th><th scope="col">99.5th</th>
    </tr></thead>
    <tbody>
      <tr><th scope="row">total</th><td data-field="mean">0</td><td data-field="p90">0</td>
        <td data-field="p99">0</td><td data-field="p99_5">0</td></tr>
      <tr><th scope="row">run</th><td data-field="runMean">0</td><td data-field="runP90">0</td>
        <td data-field="runP99">0</td><td data-field="runP99_5">0</td></tr>
    </tbody>
  </table>
  <p class="pool">pool <b data-field="activeCount">0</b> / <b data-field="maxConcurrent">0</b> active ·
    peak <b data-field="maxActive">0</b> · <b data-field="executed">0</b> executed</p>
</article>
</template>
<script>
`;

const SCRIPT = String.raw`
(() => {
  'use strict';
  // Two minutes of request rate per circuit, as the Hystrix dashboard keeps; bounded for very short ticks.
  const SPARK_MS = 120000;
  const SPARK_MAX_POINTS = 1200;
  const STATE_TEXT = new Map([['closed', 'Closed'], ['open', 'Open'], ['half-open', 'Half-open']]);
  // Counts shown as they are, each in the element whose data-field is its name.
  const COUNTS = ['successes', 'shortCircuits', 'timeouts', 'rejects', 'failures', 'fallbackSuccesses',
    'fallbackFailures', 'contextCanceled', 'contextDeadlineExceeded', 'requests', 'activeCount',
    'maxConcurrent', 'maxActive', 'executed'];
  const LATENCIES = ['mean', 'p90', 'p99', 'p99_5'];
  // The Hystrix dashboard's scales: the circle's colour by error % (green, #FFCC00, #FF9900, red at 10, 25,
  // 40, 50), its radius by the square root of the requests per second (5 at none, largest at 400).
  const HEALTH = [[10, [0, 128, 0]], [25, [255, 204, 0]], [40, [255, 153, 0]], [50, [255, 0, 0]]];
  // Its error % text goes grey, black, orange, red (0, 10, 35, 50); darker here, to stay readable on white.
  const ERROR_TEXT = [[0, [110, 119, 129]], [10, [31, 35, 40]], [35, [188, 76, 0]], [50, [207, 34, 46]]];
  const numbers = new Intl.NumberFormat('en-US');
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  const board = document.querySelector('[data-board]');
  const template = document.getElementById('card-template').content.firstElementChild;
  const filterInput = document.querySelector('[data-control=filter]');
  const sortSelect = document.querySelector('[data-control=sort]');
  const emptyNote = document.querySelector('[data-field=empty]');
  const connectionText = document.querySelector('[data-field=connection]');
  const lastText = document.querySelector('[data-field=lastMessage]');
  const countNodes = new Map();
  for (const el of document.querySelectorAll('[data-count]')) countNodes.set(el.dataset.count, el);

  // Circuit names are any string (__proto__ included): they key a Map and reach the DOM only as text and
  // attribute values.
  const circuits = new Map();
  const dirty = new Set();
  const view = { sort: 'name', filter: '' };
  let layoutNeeded = true;
  let scheduled = false;
  let lastMessageAt = 0;
  let shownTime = '';
  // Names met since the stream's current frame began (each frame starts with a HystrixTsFrame message), and
  // whether a whole frame has been seen since the connection opened.
  let frameNames = new Set();
  let framing = false;

  const codeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const byName = (a, b) => collator.compare(a.name, b.name) || codeUnits(a.name, b.name);
  const SORTS = new Map([
    ['name', byName],
    ['error', (a, b) => b.errorPercent - a.errorPercent || b.requests - a.requests || byName(a, b)],
    ['volume', (a, b) => b.requests - a.requests || byName(a, b)],
    ['latency', (a, b) => b.total.p99 - a.total.p99 || byName(a, b)],
  ]);

  const num = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  const count = (v) => numbers.format(v);
  function ms(v) {
    if (!(v > 0)) return '0';
    if (v < 0.01) return '<0.01';
    if (v < 1) return v.toFixed(2);
    return v < 100 ? v.toFixed(1) : numbers.format(Math.round(v));
  }
  const perSecond = (v) => (v < 100 ? v.toFixed(1) : numbers.format(Math.round(v)));
  const rgb = (c) => 'rgb(' + c.map((v) => Math.round(v)).join(',') + ')';

  function scale(stops, x) {
    if (!(x > stops[0][0])) return rgb(stops[0][1]);
    for (let i = 1; i < stops.length; i++) {
      const [x1, c1] = stops[i];
      if (x <= x1) {
        const [x0, c0] = stops[i - 1];
        const t = (x - x0) / (x1 - x0);
        return rgb(c0.map((v, j) => v + (c1[j] - v) * t));
      }
    }
    return rgb(stops[stops.length - 1][1]);
  }

  function circuitFor(name) {
    let c = circuits.get(name);
    if (c !== undefined) return c;
    c = {
      name, lower: name.toLowerCase(), card: null, nodes: new Map(), shown: new Map(), drawn: new Map(),
      circle: null, line: null, area: null, errorBox: null, extended: false,
      state: 'closed', forcedOpen: false, forcedClosed: false, window: 10000, requests: 0, errorPercent: 0,
      successes: 0, shortCircuits: 0, timeouts: 0, rejects: 0, failures: 0, fallbackSuccesses: 0,
      fallbackFailures: 0, contextCanceled: 0, contextDeadlineExceeded: 0, activeCount: 0,
      maxConcurrent: 0, maxActive: 0, executed: 0,
      total: { mean: 0, p90: 0, p99: 0, p99_5: 0 }, run: { mean: 0, p90: 0, p99: 0, p99_5: 0 },
      times: [], rates: [],
    };
    circuits.set(name, c);
    layoutNeeded = true;
    return c;
  }

  // A card is built once, from the template; afterwards only its text nodes and a few attributes change.
  function build(c) {
    const card = template.cloneNode(true);
    card.setAttribute('data-circuit', c.name);
    for (const el of card.querySelectorAll('[data-field]')) c.nodes.set(el.dataset.field, el.firstChild);
    c.nodes.delete('name');
    const title = card.querySelector('.name');
    title.title = c.name;
    title.textContent = c.name === '' ? '(empty name)' : c.name;
    c.circle = card.querySelector('.bubble circle');
    c.line = card.querySelector('.spark polyline');
    c.area = card.querySelector('.spark path');
    c.errorBox = card.querySelector('[data-field-color]');
    c.card = card;
  }

  // Writes only what changed: a steady board costs no DOM work.
  function text(c, field, value) {
    if (c.shown.get(field) === value) return;
    c.shown.set(field, value);
    c.nodes.get(field).data = value;
  }
  function attr(c, key, el, name, value) {
    if (c.drawn.get(key) === value) return;
    c.drawn.set(key, value);
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }

  function render(c) {
    if (c.card === null) build(c);
    const rate = c.window > 0 ? c.requests / (c.window / 1000) : 0;
    const forced = c.forcedOpen ? 'open' : c.forcedClosed ? 'closed' : null;
    const full = c.maxConcurrent > 0 && c.activeCount >= c.maxConcurrent;
    attr(c, 'state', c.card, 'data-state', c.state);
    attr(c, 'forced', c.card, 'data-forced', forced);
    attr(c, 'class', c.card, 'class', 'card' + (c.name === '' ? ' unnamed' : '') + (full ? ' full' : ''));
    text(c, 'state', forced !== null ? 'Forced ' + forced : STATE_TEXT.get(c.state));
    for (const field of COUNTS) text(c, field, count(c[field]));
    text(c, 'errorPercent', String(c.errorPercent));
    text(c, 'rate', perSecond(rate));
    text(c, 'window', String(Math.round(c.window / 100) / 10));
    for (const key of LATENCIES) {
      text(c, key, ms(c.total[key]));
      text(c, 'run' + key[0].toUpperCase() + key.slice(1), ms(c.run[key]));
    }
    attr(c, 'r', c.circle, 'r', (5 + 27 * Math.sqrt(Math.min(rate, 400) / 400)).toFixed(1));
    attr(c, 'fill', c.circle, 'fill', scale(HEALTH, c.errorPercent));
    attr(c, 'errorColour', c.errorBox, 'style', 'color:' + scale(ERROR_TEXT, c.errorPercent));
    drawSpark(c);
  }

  // The rate over the last two minutes of the stream's time, scaled to its own peak as in Hystrix.
  function drawSpark(c) {
    const n = c.times.length;
    if (n === 0) return;
    const start = c.times[n - 1] - SPARK_MS;
    let peak = 0;
    for (const r of c.rates) if (r > peak) peak = r;
    const points = [];
    for (let i = 0; i < n; i++) {
      const x = (120 * (c.times[i] - start)) / SPARK_MS;
      const y = peak > 0 ? 29 - (26 * c.rates[i]) / peak : 29;
      points.push(x.toFixed(1) + ',' + y.toFixed(1));
    }
    attr(c, 'line', c.line, 'points', points.join(' '));
    attr(c, 'area', c.area, 'd', 'M' + points[0].split(',')[0] + ',30L' + points.join('L') + 'L120,30Z');
  }

  function layout() {
    const list = [...circuits.values()].sort(SORTS.get(view.sort));
    const needle = view.filter.toLowerCase();
    let shown = 0;
    let open = 0;
    let halfOpen = 0;
    let previous = null;
    for (const c of list) {
      if (c.card === null) build(c);
      const hide = needle !== '' && !c.lower.includes(needle);
      if (c.card.hidden !== hide) c.card.hidden = hide;
      if (!hide) shown++;
      if (c.state === 'open') open++;
      else if (c.state === 'half-open') halfOpen++;
      // A card moves only when it is out of place: a stable order costs no DOM work.
      const want = previous === null ? board.firstChild : previous.nextSibling;
      if (want !== c.card) board.insertBefore(c.card, want);
      previous = c.card;
    }
    setCount('circuits', circuits.size);
    setCount('open', open);
    setCount('halfOpen', halfOpen);
    setCount('shown', shown);
    let empty = '';
    if (circuits.size === 0) empty = 'Waiting for circuits: a circuit appears once its command has run.';
    else if (shown === 0) empty = 'No circuit name contains “' + view.filter + '”.';
    if (emptyNote.textContent !== empty) emptyNote.textContent = empty;
    emptyNote.hidden = empty === '';
  }

  function setCount(key, value) {
    const el = countNodes.get(key);
    const s = String(value);
    if (el.textContent !== s) el.textContent = s;
  }

  // At most once per animation frame, whatever the number of messages: all writes, no layout reads.
  function draw() {
    scheduled = false;
    for (const c of dirty) render(c);
    // New figures can change the order and the number of open circuits.
    if (dirty.size > 0) layoutNeeded = true;
    dirty.clear();
    if (layoutNeeded) {
      layoutNeeded = false;
      layout();
    }
    if (lastMessageAt !== 0) {
      const at = new Date(lastMessageAt);
      const time = at.toLocaleTimeString(undefined, { hour12: false });
      if (time !== shownTime) {
        shownTime = time;
        lastText.textContent = time;
        lastText.dateTime = at.toISOString();
      }
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(draw);
  }

  function remove(c) {
    circuits.delete(c.name);
    dirty.delete(c);
    if (c.card !== null) c.card.remove();
    layoutNeeded = true;
  }

  // Each frame of the stream names every circuit once: one missing from a whole frame was forgotten by the
  // registry (flush()).
  function seen(name) {
    frameNames.add(name);
  }

  function onFrame() {
    if (framing) for (const c of circuits.values()) if (!frameNames.has(c.name)) remove(c);
    framing = true;
    frameNames = new Set();
  }

  const object = (v) => (v !== null && typeof v === 'object' ? v : {});

  function onCommand(m) {
    seen(m.name);
    const c = circuitFor(m.name);
    const window = num(m.propertyValue_metricsRollingStatisticalWindowInMilliseconds) || c.window;
    // The extended message that follows has the same counts, exact latencies and the half-open state: once
    // seen, it alone is drawn, so that nothing flickers between the two.
    if (!c.extended) {
      c.window = window;
      c.requests = num(m.requestCount);
      c.errorPercent = num(m.errorPercentage);
      c.successes = num(m.rollingCountSuccess);
      c.shortCircuits = num(m.rollingCountShortCircuited);
      c.timeouts = num(m.rollingCountTimeout);
      c.rejects = num(m.rollingCountThreadPoolRejected);
      c.failures = num(m.rollingCountFailure);
      c.fallbackSuccesses = num(m.rollingCountFallbackSuccess);
      c.fallbackFailures = num(m.rollingCountFallbackFailure);
      c.forcedOpen = m.propertyValue_circuitBreakerForceOpen === true;
      c.forcedClosed = m.propertyValue_circuitBreakerForceClosed === true;
      c.state = m.isCircuitBreakerOpen === true ? 'open' : 'closed';
      const total = object(m.latencyTotal);
      const run = object(m.latencyExecute);
      c.total = { mean: num(m.latencyTotal_mean), p90: num(total['90']), p99: num(total['99']),
        p99_5: num(total['99.5']) };
      c.run = { mean: num(m.latencyExecute_mean), p90: num(run['90']), p99: num(run['99']),
        p99_5: num(run['99.5']) };
    }
    // One point per message, on the stream's clock.
    const t = num(m.currentTime) || Date.now();
    const n = c.times.length;
    if (n > 0 && t < c.times[n - 1]) {
      c.times.length = 0;
      c.rates.length = 0;
    }
    c.times.push(t);
    c.rates.push(num(m.requestCount) / (window / 1000));
    let drop = Math.max(0, c.times.length - SPARK_MAX_POINTS);
    while (drop < c.times.length && c.times[drop] < t - SPARK_MS) drop++;
    if (drop > 0) {
      c.times.splice(0, drop);
      c.rates.splice(0, drop);
    }
    dirty.add(c);
  }

  function onPool(m) {
    const c = circuitFor(m.name);
    if (!c.extended) {
      c.activeCount = num(m.currentActiveCount);
      c.maxConcurrent = num(m.currentMaximumPoolSize);
      c.maxActive = num(m.rollingMaxActiveThreads);
      c.executed = num(m.rollingCountThreadsExecuted);
    }
    dirty.add(c);
  }

  function onExtended(m) {
    const c = circuitFor(m.name);
    c.extended = true;
    if (STATE_TEXT.has(m.state)) c.state = m.state;
    c.forcedOpen = m.forcedOpen === true;
    c.forcedClosed = m.forcedClosed === true;
    c.window = num(m.rollingWindow) || c.window;
    for (const field of COUNTS) {
      if (field !== 'maxConcurrent' && field !== 'maxActive') c[field] = num(m[field]);
    }
    c.maxConcurrent = num(m.maxConcurrentRequests);
    c.maxActive = num(m.maxActiveRequests);
    c.errorPercent = num(m.errorPercent);
    const total = object(m.totalLatency);
    const run = object(m.runLatency);
    for (const key of LATENCIES) {
      c.total[key] = num(total[key]);
      c.run[key] = num(run[key]);
    }
    dirty.add(c);
  }

  function onMessage(event) {
    let m;
    try {
      m = JSON.parse(event.data);
    } catch {
      return;
    }
    if (m === null || typeof m !== 'object') return;
    if (m.type === 'HystrixTsFrame') onFrame();
    else if (typeof m.name !== 'string') return;
    else if (m.type === 'HystrixCommand') onCommand(m);
    else if (m.type === 'HystrixThreadPool') onPool(m);
    else if (m.type === 'HystrixTsCircuit') onExtended(m);
    else return;
    lastMessageAt = Date.now();
    schedule();
  }

  const CONNECTION_TEXT = new Map([
    ['connecting', 'Connecting…'], ['live', 'Live'], ['lost', 'Lost, reconnecting…'],
  ]);
  function setConnection(state) {
    document.body.dataset.connection = state;
    connectionText.textContent = CONNECTION_TEXT.get(state);
  }

  function connect() {
    setConnection('connecting');
    let source;
    try {
      source = new EventSource(STREAM_URL + (STREAM_URL.includes('?') ? '&' : '?') + 'extended=true');
    } catch {
      setConnection('lost');
      setTimeout(connect, 5000);
      return;
    }
    source.onopen = () => {
      // A frame cut short by the lost connection must not make the circuits it missed look gone.
      frameNames = new Set();
      framing = false;
      setConnection('live');
    };
    source.onmessage = onMessage;
    source.onerror = () => {
      setConnection('lost');
      // EventSource retries by itself after a network error, but gives up after an HTTP error (such as a 503
      // when the server has too many clients): then start again later.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, 5000);
      }
    };
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const sort = params.get('sort');
    view.sort = sort !== null && SORTS.has(sort) ? sort : 'name';
    view.filter = params.get('filter') ?? '';
    sortSelect.value = view.sort;
    if (filterInput.value !== view.filter) filterInput.value = view.filter;
    layoutNeeded = true;
    schedule();
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (view.sort !== 'name') params.set('sort', view.sort);
    if (view.filter !== '') params.set('filter', view.filter);
    const hash = params.toString();
    // Replaced, not pushed: a keystroke in the filter is not a step in the history.
    history.replaceState(null, '', hash === '' ? location.pathname + location.search : '#' + hash);
    layoutNeeded = true;
    schedule();
  }

  filterInput.addEventListener('input', () => {
    view.filter = filterInput.value;
    writeHash();
  });
  sortSelect.addEventListener('change', () => {
    view.sort = SORTS.has(sortSelect.value) ? sortSelect.value : 'name';
    writeHash();
  });
  window.addEventListener('hashchange', readHash);
  readHash();
  connect();
})();
</script>
</body>
</html>
`;

/**
 * The live dashboard page: one self-contained HTML document, inline CSS and JavaScript only, nothing fetched
 * from elsewhere (it runs under the CSP `default-src 'none'; script-src 'unsafe-inline'; style-src
 * 'unsafe-inline'; connect-src 'self'; img-src data:`).
 *
 * The page reads `streamUrl?extended=true` with an `EventSource` and draws one card per circuit as the Hystrix
 * dashboard does: a circle sized by the request rate and coloured by the error percentage, a sparkline of the
 * last two minutes of request rate, the counts by outcome, the error percentage, latency percentiles, the
 * state and the pool. Cards can be filtered by name and sorted by name, error %, volume or latency; both are
 * kept in the URL hash, so that a link reopens the same view.
 *
 * @param streamUrl - the stream's URL, relative to the page (such as `hystrix.stream`). Any string is embedded
 *   safely.
 * @returns the HTML document.
 */
export function dashboardPage(streamUrl: string): string {
  const input: unknown = streamUrl;
  if (typeof input !== 'string') {
    throw new TypeError('dashboardPage(streamUrl): streamUrl must be a string');
  }
  return `${HEAD}const STREAM_URL = ${scriptString(streamUrl)};${SCRIPT}`;
}
