/**
 * The part of the dashboard's client script that draws the board: the circuits' state, the cards built from the
 * template, their figures, colours and sparklines, and the board's order and totals, drawn at most once per
 * animation frame.
 *
 * Client JavaScript, run first inside the page script's function, after `'use strict'`. It declares the state
 * and helpers the other parts use, such as `circuits`, `view`, `circuitFor` and `schedule`.
 */
export const BOARD_SCRIPT = String.raw`
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
`;
