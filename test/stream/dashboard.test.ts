/**
 * The dashboard page in a real headless Chromium, against a real stream server on 127.0.0.1 whose registry runs
 * on a ManualClock: the stream ticks only when the test advances the clock, so every figure on the page can be
 * compared with `circuit.stats()` at that instant.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BadRequestError,
  type CircuitStats,
  type CommandConfig,
  Hystrix,
  ManualClock,
  NoopLogger,
} from '../../src/index.js';
import { dashboardPage, startStreamServer, type StreamServer } from '../../src/stream/index.js';
import { failOnUnhandled, flushPromises, untilAborted } from '../helpers.js';
import { POLICY_SETTINGS, type PolicyTraffic, policyTraffic } from '../policy-traffic.js';

failOnUnhandled();

// HYSTRIX_CHROMIUM names another Chromium (or Chrome) to drive.
const CHROMIUM = process.env['HYSTRIX_CHROMIUM'] ?? '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** How long the page may take to show what the stream sent: generous, the page is polled, never slept on. */
const PAGE_WAIT = 15_000;

const XSS = `a<b>&"c'`;
const PROTO = '__proto__';
const UNICODE = '支付-サービス ☕ ünïcødé';
const SCRIPT_NAME = '<script>window.pwned = 1</script>';

// The page's formats, restated: what the page shows is checked against figures computed here from stats().
const NUMBERS = new Intl.NumberFormat('en-US');
const COLLATOR = new Intl.Collator('en-US', { numeric: true, sensitivity: 'base' });
const count = (v: number): string => NUMBERS.format(v);
const ms = (v: number): string =>
  !(v > 0)
    ? '0'
    : v < 0.01
      ? '<0.01'
      : v < 1
        ? v.toFixed(2)
        : v < 100
          ? v.toFixed(1)
          : NUMBERS.format(Math.round(v));
const perSecond = (v: number): string => (v < 100 ? v.toFixed(1) : NUMBERS.format(Math.round(v)));

/** The Hystrix dashboard's circle colour: green, #FFCC00, #FF9900, red at 10, 25, 40, 50 % errors. */
function healthColour(errorPercent: number): string {
  const stops: [number, [number, number, number]][] = [
    [10, [0, 128, 0]],
    [25, [255, 204, 0]],
    [40, [255, 153, 0]],
    [50, [255, 0, 0]],
  ];
  const rgb = (c: readonly number[]): string => `rgb(${c.map((v) => Math.round(v)).join(',')})`;
  if (errorPercent <= stops[0]![0]) return rgb(stops[0]![1]);
  for (let i = 1; i < stops.length; i++) {
    const [x1, c1] = stops[i]!;
    const [x0, c0] = stops[i - 1]!;
    if (errorPercent <= x1) {
      const t = (errorPercent - x0) / (x1 - x0);
      return rgb(c0.map((v, j) => v + (c1[j]! - v) * t));
    }
  }
  return rgb(stops[stops.length - 1]![1]);
}

function stateText(s: CircuitStats): string {
  if (s.forcedOpen) return 'Forced open';
  if (s.forcedClosed) return 'Forced closed';
  return s.state === 'half-open' ? 'Half-open' : s.state === 'open' ? 'Open' : 'Closed';
}

/** What one card shows, read from the DOM. */
interface CardView {
  name: string;
  hidden: boolean;
  state: string | null;
  forced: string | null;
  fields: Record<string, string>;
  fill: string | null;
  radius: number;
  points: number;
}

/** Every card, in the page's order. */
function readBoard(page: Page): Promise<CardView[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-circuit]')].map((card) => {
      const fields: Record<string, string> = {};
      for (const el of card.querySelectorAll<HTMLElement>('[data-field]')) {
        fields[el.dataset['field']!] = el.textContent;
      }
      const circle = card.querySelector('.bubble circle');
      const line = card.querySelector('.spark polyline')?.getAttribute('points') ?? '';
      return {
        name: card.getAttribute('data-circuit') ?? '<missing>',
        hidden: card.hidden,
        state: card.getAttribute('data-state'),
        forced: card.getAttribute('data-forced'),
        fields,
        fill: circle?.getAttribute('fill') ?? null,
        radius: Number(circle?.getAttribute('r')),
        points: line === '' ? 0 : line.split(' ').length,
      };
    }),
  );
}

/** What the card of a circuit must show, from its stats. */
function expectedCard(
  s: CircuitStats,
  window: number,
  maxQueueSize: number,
  attempts = false,
): Omit<CardView, 'hidden' | 'points'> {
  const rate = s.requests / (window / 1000);
  return {
    name: s.name,
    state: s.state,
    forced: s.forcedOpen ? 'open' : s.forcedClosed ? 'closed' : null,
    fields: {
      name: s.name === '' ? '(empty name)' : s.name,
      state: stateText(s),
      successes: count(s.successes),
      shortCircuits: count(s.shortCircuits),
      badRequests: count(s.badRequests),
      timeouts: count(s.timeouts),
      rejects: count(s.rejects),
      failures: count(s.failures),
      errorPercent: String(s.errorPercent),
      rate: perSecond(rate),
      requests: count(s.requests),
      window: String(window / 1000),
      fallbackSuccesses: count(s.fallbackSuccesses),
      fallbackFailures: count(s.fallbackFailures),
      contextCanceled: count(s.contextCanceled),
      contextDeadlineExceeded: count(s.contextDeadlineExceeded),
      rateLimited: count(s.rateLimited),
      slowCalls: count(s.slowCalls),
      mean: ms(s.totalLatency.mean),
      p90: ms(s.totalLatency.p90),
      p99: ms(s.totalLatency.p99),
      p99_5: ms(s.totalLatency.p99_5),
      runMean: ms(s.runLatency.mean),
      runP90: ms(s.runLatency.p90),
      runP99: ms(s.runLatency.p99),
      runP99_5: ms(s.runLatency.p99_5),
      activeCount: count(s.activeCount),
      maxConcurrent: count(s.maxConcurrentRequests),
      queueSize: count(s.queueSize),
      maxQueueSize: count(maxQueueSize),
      maxActive: count(s.maxActiveRequests),
      executed: count(s.executed),
      // Only a command that retries or hedges has these cells.
      ...(attempts
        ? { retries: count(s.retries), hedges: count(s.hedges), hedgeWins: count(s.hedgeWins) }
        : {}),
      adaptive:
        s.adaptive === null
          ? ''
          : `(${s.adaptive.algorithm} ${s.adaptive.minLimit}-${s.adaptive.maxLimit})`,
    },
    fill: healthColour(s.errorPercent),
    radius: Number((5 + 27 * Math.sqrt(Math.min(rate, 400) / 400)).toFixed(1)),
  };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The board as it must be now: every circuit of the registry, by name in code-unit order. */
function expectedBoard(h: Hystrix): Omit<CardView, 'hidden' | 'points'>[] {
  return h
    .getCircuits()
    .map((c) =>
      expectedCard(
        c.stats(),
        c.circuitSettings.rollingWindow,
        c.circuitSettings.maxQueueSize,
        c.circuitSettings.retryAttempts > 1 || c.circuitSettings.hedgeMaxAttempts > 1,
      ),
    )
    .sort((a, b) => byCodeUnits(a.name, b.name));
}

/** The board as shown, comparable with {@link expectedBoard}. */
async function shownBoard(page: Page): Promise<Omit<CardView, 'hidden' | 'points'>[]> {
  const cards = await readBoard(page);
  return cards
    .map(({ name, state, forced, fields, fill, radius }) => ({
      name,
      state,
      forced,
      fields,
      fill,
      radius,
    }))
    .sort((a, b) => byCodeUnits(a.name, b.name));
}

/** The names of the visible cards, in the page's order. */
async function visibleNames(page: Page): Promise<string[]> {
  return (await readBoard(page)).filter((c) => !c.hidden).map((c) => c.name);
}

const byName = (a: CircuitStats, b: CircuitStats): number =>
  COLLATOR.compare(a.name, b.name) || byCodeUnits(a.name, b.name);
const SORTS = new Map<string, (a: CircuitStats, b: CircuitStats) => number>([
  ['name', byName],
  ['error', (a, b) => b.errorPercent - a.errorPercent || b.requests - a.requests || byName(a, b)],
  ['volume', (a, b) => b.requests - a.requests || byName(a, b)],
  ['latency', (a, b) => b.totalLatency.p99 - a.totalLatency.p99 || byName(a, b)],
]);

/** The names the page must show for a sort and a filter. */
function expectedOrder(h: Hystrix, sort: string, filter: string): string[] {
  const needle = filter.toLowerCase();
  return h
    .getCircuits()
    .map((c) => c.stats())
    .filter((s) => s.name.toLowerCase().includes(needle))
    .sort(SORTS.get(sort))
    .map((s) => s.name);
}

/** Records what a page does that it must not: requests, console errors, page errors, dialogs. */
function watch(page: Page): { requests: string[]; errors: string[] } {
  const seen = { requests: [] as string[], errors: [] as string[] };
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.errors.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    seen.errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

async function waitLive(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset['connection'] === 'live', undefined, {
    timeout: PAGE_WAIT,
  });
}

let browser: Browser | undefined;
let context: BrowserContext | undefined;

/** The browser, or the reason there is none: every test that needs it fails with it, none is skipped. */
function theBrowser(): Browser {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard is tested in a real browser. Install Debian's chromium ` +
        '(sudo apt-get install chromium), or name another with HYSTRIX_CHROMIUM, and run the test again.',
    );
  }
  if (browser === undefined) throw new Error(`${CHROMIUM} did not start`);
  return browser;
}

function newPage(): Promise<Page> {
  theBrowser();
  if (context === undefined) throw new Error('the browser context was not created');
  return context.newPage();
}

beforeAll(async () => {
  // Without a browser, nothing is launched here: each test then fails on theBrowser() with the reason.
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1360, height: 900 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
}, 60_000);

describe('the dashboard page, live against the stream', () => {
  const clock = new ManualClock(1_700_000_000_000);
  const h = new Hystrix({ clock, logger: new NoopLogger() });
  let server: StreamServer | undefined;
  let page: Page | undefined;
  let seen: { requests: string[]; errors: string[] } = { requests: [], errors: [] };
  /** Frames the open page has been sent: the first at connection, then one per tick. */
  let frames = 0;
  /** The policies' circuit: a bad request, a rate-limited and a slow call, one run held and one call queued. */
  let limited: PolicyTraffic | undefined;

  const tick = (): void => {
    clock.advance(1000);
    frames++;
  };
  const thePage = (): Page => {
    theBrowser();
    if (page === undefined) throw new Error('the page is not open');
    return page;
  };
  const board = async (): Promise<void> => {
    await expect
      .poll(() => shownBoard(thePage()), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedBoard(h));
  };

  beforeAll(async () => {
    // Known traffic, each circuit with its own story.
    limited = await policyTraffic(h, clock, 'limited');
    const run = (value: string) => () => value;
    const fail = (message: string) => () => {
      throw new Error(message);
    };
    const slow = (latency: number) => () => clock.sleep(latency).then(() => 'ok');

    // An adaptive limit held at the default 10 (its bounds are equal): the card names it, the figures are as before.
    h.configureCommand('payments', {
      requestVolumeThreshold: 1000,
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 10,
    });
    const payments = [
      ...[10, 20, 30, 40, 50, 60, 70].map((latency) => h.go('payments', slow(latency))),
      h.go('payments', fail('declined'), () => 'queued'),
      h.go('payments', fail('declined'), () => 'queued'),
      h.go('payments', fail('declined'), fail('no queue')),
    ];
    await clock.advanceAsync(100);
    await Promise.all(payments);

    h.configureCommand(XSS, { timeout: 50 });
    const xss = [
      h.go(XSS, untilAborted, () => 'cached'),
      h.go(XSS, untilAborted),
      h.go(XSS, untilAborted),
      h.go(XSS, run('ok')),
      h.go(XSS, run('ok')),
    ];
    await clock.advanceAsync(60);
    await Promise.all(xss);

    // Two runs hold both tickets for the whole test, so three more are rejected.
    h.configureCommand(PROTO, { maxConcurrentRequests: 2, timeout: 600_000 });
    void h.go(PROTO, untilAborted);
    void h.go(PROTO, untilAborted);
    await Promise.all([h.go(PROTO, run('x')), h.go(PROTO, run('x')), h.go(PROTO, run('x'))]);

    const canceled = new AbortController();
    const deadline = new AbortController();
    const unicode = [
      h.go(UNICODE, untilAborted, undefined, { signal: canceled.signal }),
      h.go(UNICODE, untilAborted, undefined, { signal: deadline.signal }),
      ...[1, 2, 3, 4].map(() => h.go(UNICODE, run('ok'))),
    ];
    canceled.abort();
    deadline.abort(new DOMException('the caller gave up', 'TimeoutError'));
    await Promise.all(unicode);

    // Trips by itself: 4 failures reach the volume and the percentage, the next calls are short-circuited.
    h.configureCommand('tripped', {
      requestVolumeThreshold: 4,
      errorPercentThreshold: 50,
      sleepWindow: 600_000,
    });
    for (let i = 0; i < 4; i++) await h.go('tripped', fail('down'));
    for (let i = 0; i < 3; i++) await h.go('tripped', run('never runs'), () => 'fallback');

    // Opens, waits out its sleep window, and is left half-open with its probe in flight.
    h.configureCommand('probing', {
      requestVolumeThreshold: 2,
      sleepWindow: 1000,
      timeout: 600_000,
    });
    await h.go('probing', fail('down'));
    await h.go('probing', fail('down'));
    await h.go('probing', run('short-circuited'));
    await clock.advanceAsync(1001);
    void h.go('probing', untilAborted);

    for (let i = 0; i < 5; i++) await h.go('steady', run('ok'));
    // A hedge: the first attempt hangs past the hedge delay, the hedge answers and wins.
    h.configureCommand('steady', { hedgeMaxAttempts: 2, hedgeDelay: 5 });
    let steadyAttempts = 0;
    const hedged = h.go('steady', (ctx) => (++steadyAttempts === 1 ? untilAborted(ctx) : 'ok'));
    await clock.advanceAsync(5);
    await hedged;
    await h.go(SCRIPT_NAME, run('ok'));
    // A retry: the failure is retried once (after a backoff of at most 1 ms), and fails again.
    h.configureCommand('constructor', { retryAttempts: 2, retryBackoffBase: 1 });
    const retried = h.go('constructor', fail('nope'));
    await clock.advanceAsync(1);
    await retried;
    await h.go('', run('ok'));
    await flushPromises();

    server = await startStreamServer({ hystrix: h });
  }, 60_000);

  afterAll(async () => {
    await limited?.release();
    await page?.close();
    await server?.close();
    h.close();
    await flushPromises();
  }, 60_000);

  test('the traffic is what the test says (the figures below are compared with these stats)', () => {
    const s = (name: string): CircuitStats => h.getCircuit(name).circuit.stats();
    expect(s('payments')).toMatchObject({ successes: 7, failures: 3, fallbackSuccesses: 2 });
    expect(s('payments')).toMatchObject({ fallbackFailures: 1, requests: 10, errorPercent: 30 });
    expect(s(XSS)).toMatchObject({ timeouts: 3, successes: 2, fallbackSuccesses: 1 });
    expect(s(PROTO)).toMatchObject({ rejects: 3, activeCount: 2, maxConcurrentRequests: 2 });
    expect(s(UNICODE)).toMatchObject({ contextCanceled: 1, contextDeadlineExceeded: 1 });
    expect(s('tripped')).toMatchObject({ state: 'open', failures: 4, shortCircuits: 3 });
    expect(s('probing')).toMatchObject({ state: 'half-open', activeCount: 1 });
    expect(s('payments').totalLatency.p99).toBeGreaterThan(0);
    expect(s('limited')).toMatchObject({ badRequests: 1, rateLimited: 1, slowCalls: 1 });
    expect(s('limited')).toMatchObject({ queueSize: 1, activeCount: 1, successes: 1 });
    expect(s('steady')).toMatchObject({
      successes: 6,
      hedges: 1,
      hedgeWins: 1,
      contextCanceled: 1,
    });
    expect(s('constructor')).toMatchObject({ failures: 2, retries: 1 });
    expect(h.getCircuits()).toHaveLength(11);
  });

  test('shows every circuit, with the figures of circuit.stats(), names as plain text', async () => {
    page = await newPage();
    seen = watch(page);
    await page.goto(`${server!.url}/`);
    frames = 1;
    const p = page;
    await waitLive(p);
    await board();
    // Names are text, never markup: one script element (the page's own), and nothing ran.
    expect(await p.evaluate(() => document.scripts.length)).toBe(1);
    expect(await p.evaluate(() => 'pwned' in window)).toBe(false);
    const cards = new Map((await readBoard(p)).map((c) => [c.name, c]));
    expect([...cards.keys()].sort()).toEqual(
      h
        .getCircuits()
        .map((c) => c.name)
        .sort(),
    );
    expect(cards.get(XSS)?.fields['name']).toBe(XSS);
    expect(cards.get(PROTO)?.fields['name']).toBe(PROTO);
    expect(cards.get(UNICODE)?.fields['name']).toBe(UNICODE);
    expect(cards.get(SCRIPT_NAME)?.fields['name']).toBe(SCRIPT_NAME);
    expect(cards.get('')?.fields['name']).toBe('(empty name)');
    // The Hystrix dashboard's colours: healthy green, 100 % errors red, 30 % between #FFCC00 and #FF9900.
    expect(cards.get('steady')?.fill).toBe('rgb(0,128,0)');
    expect(cards.get('tripped')?.fill).toBe('rgb(255,0,0)');
    expect(cards.get('payments')?.fill).toBe('rgb(255,187,0)');
    // Text, not only colour, says the state.
    expect(cards.get('tripped')?.fields['state']).toBe('Open');
    expect(cards.get('probing')?.fields['state']).toBe('Half-open');
    expect(cards.get('steady')?.fields['state']).toBe('Closed');
    // The circle grows with the request rate.
    expect(cards.get('payments')!.radius).toBeGreaterThan(cards.get(SCRIPT_NAME)!.radius);
    const summary = await p.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-count]')].map(
        (el) => `${el.dataset['count']}=${el.textContent}`,
      ),
    );
    expect(summary).toEqual(['circuits=11', 'open=1', 'halfOpen=1', 'shown=11']);
    expect(await p.textContent('[data-field=lastMessage]')).toMatch(/\d\d:\d\d:\d\d/);
    expect(await p.textContent('[data-field=connection]')).toBe('Live');

    // A tick later the page follows the stream again.
    tick();
    await board();
  });

  test('retries and hedges: cells only on the cards of commands that retry or hedge', async () => {
    const p = thePage();
    await board();
    const cards = new Map((await readBoard(p)).map((c) => [c.name, c]));
    expect(cards.get('steady')?.fields).toMatchObject({
      retries: '0',
      hedges: '1',
      hedgeWins: '1',
    });
    expect(cards.get('constructor')?.fields).toMatchObject({
      retries: '1',
      hedges: '0',
      hedgeWins: '0',
    });
    expect(cards.get('payments')?.fields).not.toHaveProperty('hedges');
  });

  test("the policies' figures: bad requests, rate-limited and slow calls, the queue only where there is one", async () => {
    const p = thePage();
    await board();
    const cards = new Map((await readBoard(p)).map((c) => [c.name, c]));
    const s = h.getCircuit('limited').circuit.stats();
    expect(cards.get('limited')?.fields).toMatchObject({
      badRequests: count(s.badRequests),
      rateLimited: count(s.rateLimited),
      slowCalls: count(s.slowCalls),
      queueSize: count(s.queueSize),
      maxQueueSize: count(POLICY_SETTINGS.maxQueueSize),
    });
    expect([s.badRequests, s.rateLimited, s.slowCalls, s.queueSize]).toEqual([1, 1, 1, 1]);
    // The queue shows on the pool line of the command that has one, highlighted while calls wait; the pool
    // line is never cut.
    const pools = await p.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-circuit]')].map((card) => {
        const pool = card.querySelector<HTMLElement>('.pool')!;
        const queue = card.querySelector<HTMLElement>('.queue')!;
        return {
          name: card.getAttribute('data-circuit'),
          queueShown: queue.offsetParent !== null,
          queued: card.classList.contains('queued'),
          fits: pool.scrollWidth <= pool.clientWidth,
          text: pool.textContent.replace(/\s+/g, ' ').trim(),
        };
      }),
    );
    expect(pools.find((x) => x.name === 'limited')).toEqual({
      name: 'limited',
      queueShown: true,
      queued: true,
      fits: true,
      text: 'pool 1 / 1 active · 1/3 queued · peak 1 · 2 executed',
    });
    expect(pools.filter((x) => x.name !== 'limited' && (x.queueShown || x.queued))).toEqual([]);
    // The adaptive command's pool line names its algorithm and bounds; the others' lines have nothing more.
    const adaptive = await p.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.adaptive')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el.closest('[data-circuit]')?.getAttribute('data-circuit'), el.textContent]),
    );
    expect(adaptive).toEqual([['payments', '(aimd 10-10)']]);
    expect(pools.find((x) => x.name === 'payments')?.text).toMatch(
      /^pool \d+ \/ 10 active \(aimd 10-10\) · /,
    );
    // At the narrowest width a card may have (the grid's 296 px): no count or label is cut; the pool line wraps.
    const narrow = await p.evaluate(() => {
      const card = document.querySelector<HTMLElement>('[data-circuit="limited"]')!;
      const before = card.style.width;
      card.style.width = '296px';
      const overflowing = [...card.querySelectorAll<HTMLElement>('.pool, .k')]
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map((el) => el.textContent.replace(/\s+/g, ' ').trim());
      card.style.width = before;
      return overflowing;
    });
    expect(narrow).toEqual([]);
  });

  test('a circuit forced open shows as open within two ticks', async () => {
    const p = thePage();
    const steady = h.getCircuit('steady').circuit;
    steady.forceOpen(true);
    tick();
    tick();
    await expect
      .poll(
        async () => {
          const card = (await readBoard(p)).find((c) => c.name === 'steady');
          return [card?.state, card?.forced, card?.fields['state']];
        },
        { timeout: PAGE_WAIT, interval: 50 },
      )
      .toEqual(['open', 'open', 'Forced open']);
    await board();
    // One sparkline point per frame received.
    await expect
      .poll(async () => (await readBoard(p)).find((c) => c.name === 'payments')?.points, {
        timeout: PAGE_WAIT,
        interval: 50,
      })
      .toBe(frames);
    expect(frames).toBeGreaterThanOrEqual(4);
  });

  test('half-open shows as half-open, and closing shows as closed', async () => {
    const p = thePage();
    const stateOf = async (name: string): Promise<unknown[]> => {
      const card = (await readBoard(p)).find((c) => c.name === name);
      return [card?.state, card?.fields['state']];
    };
    await expect
      .poll(() => stateOf('probing'), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(['half-open', 'Half-open']);
    h.getCircuit('steady').circuit.forceOpen(false);
    h.getCircuit('tripped').circuit.forceClosed(true);
    tick();
    await expect
      .poll(() => stateOf('steady'), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(['closed', 'Closed']);
    await expect
      .poll(() => stateOf('tripped'), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(['closed', 'Forced closed']);
    await board();
    h.getCircuit('tripped').circuit.forceClosed(false);
  });

  test('filters by name and sorts, both kept in the URL hash', async () => {
    const p = thePage();
    await p.fill('[data-control=filter]', 'PRO');
    await expect
      .poll(() => visibleNames(p), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedOrder(h, 'name', 'PRO'));
    expect(await visibleNames(p)).toEqual(['__proto__', 'probing']);
    await p.selectOption('[data-control=sort]', 'error');
    await expect
      .poll(() => visibleNames(p), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedOrder(h, 'error', 'PRO'));
    expect(new URL(p.url()).hash).toBe('#sort=error&filter=PRO');
    expect(await p.textContent('[data-count=shown]')).toBe('2');

    for (const sort of ['error', 'volume', 'latency', 'name']) {
      await p.selectOption('[data-control=sort]', sort);
      await p.fill('[data-control=filter]', '');
      await expect
        .poll(() => visibleNames(p), { timeout: PAGE_WAIT, interval: 50 })
        .toEqual(expectedOrder(h, sort, ''));
    }
    expect(new URL(p.url()).hash).toBe('');

    await p.fill('[data-control=filter]', 'nothing like this');
    await expect
      .poll(() => p.textContent('[data-field=empty]'), { timeout: PAGE_WAIT, interval: 50 })
      .toBe('No circuit name contains “nothing like this”.');

    // A link reopens the same view.
    await p.goto(`${server!.url}/#sort=volume&filter=p`);
    frames = 1;
    await waitLive(p);
    await expect
      .poll(() => visibleNames(p), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedOrder(h, 'volume', 'p'));
    expect(await p.inputValue('[data-control=filter]')).toBe('p');
    expect(await p.inputValue('[data-control=sort]')).toBe('volume');
    // An unknown sort in a link falls back to names.
    await p.evaluate(() => {
      location.hash = '#sort=__proto__';
    });
    await expect
      .poll(() => visibleNames(p), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedOrder(h, 'name', ''));
    expect(await p.inputValue('[data-control=sort]')).toBe('name');
  });

  test('renders 200 circuits as compact cards, within a sane DOM size', async () => {
    const p = thePage();
    for (let i = 0; h.getCircuits().length < 200; i++) {
      const name = `svc-${String(i).padStart(3, '0')}`;
      for (let j = 0; j < i % 7; j++) await h.go(name, () => 'ok');
      if (i % 23 === 0) await h.go(name, () => Promise.reject(new Error('down')));
    }
    tick();
    await expect
      .poll(() => p.locator('[data-circuit]').count(), { timeout: PAGE_WAIT, interval: 50 })
      .toBe(200);
    await board();
    const elements = await p.evaluate(() => document.getElementsByTagName('*').length);
    expect(elements).toBeLessThan(200 * 80 + 100);
    expect(await p.textContent('[data-count=circuits]')).toBe('200');
    mkdirSync('test-results', { recursive: true });
    await p.screenshot({ path: 'test-results/dashboard.png' });
  });

  test('forgets the circuits that the registry forgets (flush), within two ticks, down to none', async () => {
    const p = thePage();
    h.flush();
    await h.go('after-flush', () => 'ok');
    // Each tick of the extended stream starts with a frame marker: a circuit missing from a whole frame (the
    // first tick after the flush) is gone when the next frame starts.
    tick();
    tick();
    await expect
      .poll(() => p.locator('[data-circuit]').count(), { timeout: PAGE_WAIT, interval: 50 })
      .toBe(1);
    await board();
    expect(await p.textContent('[data-count=circuits]')).toBe('1');
    // An emptied registry sends only markers (and pings, which never reach the page): the board empties too.
    h.flush();
    tick();
    tick();
    await expect
      .poll(() => p.locator('[data-circuit]').count(), { timeout: PAGE_WAIT, interval: 50 })
      .toBe(0);
    await h.go('after-flush', () => 'ok');
  });

  test('made no request outside the server, and logged no error', () => {
    theBrowser();
    const origin = server!.url;
    expect(seen.requests.length).toBeGreaterThan(0);
    for (const url of seen.requests) {
      if (!url.startsWith('data:')) expect(new URL(url).origin).toBe(origin);
    }
    expect(seen.requests).toContain(`${origin}/hystrix.stream?extended=true`);
    expect(seen.errors).toEqual([]);
  });

  test('shows a lost connection, and reconnects by itself', async () => {
    const p = await newPage();
    const first = await startStreamServer({ hystrix: h });
    const port = first.port;
    let second: StreamServer | undefined;
    try {
      await p.goto(`${first.url}/`);
      await waitLive(p);
      await first.close();
      await p.waitForFunction(() => document.body.dataset['connection'] === 'lost', undefined, {
        timeout: PAGE_WAIT,
      });
      expect(await p.textContent('[data-field=connection]')).toBe('Lost, reconnecting…');
      second = await startStreamServer({ hystrix: h, port });
      await p.waitForFunction(() => document.body.dataset['connection'] === 'live', undefined, {
        timeout: 30_000,
      });
      expect(await p.locator('[data-circuit]').count()).toBe(h.getCircuits().length);
    } finally {
      await p.close();
      await first.close();
      await second?.close();
    }
  }, 60_000);
});

test('embeds any stream URL as inert text', async () => {
  const nasty = `x"</script><script>window.pwned=1</script><!--'\u2028\\`;
  const html = dashboardPage(nasty);
  expect(html.match(/<script/g)).toHaveLength(1);
  expect(html.match(/<\/script/g)).toHaveLength(1);
  const p = await newPage();
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const requested: string[] = [];
    p.on('request', (r) => requested.push(r.url()));
    let dialogs = 0;
    p.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await p.goto(`${origin}/`);
    const streamUrl = new URL(`${nasty}?extended=true`, `${origin}/`).href;
    await expect.poll(() => requested, { timeout: PAGE_WAIT, interval: 50 }).toContain(streamUrl);
    expect(await p.evaluate(() => 'pwned' in window)).toBe(false);
    expect(await p.evaluate(() => document.scripts.length)).toBe(1);
    expect(dialogs).toBe(0);
    // No stream there: the page says it waits, and draws nothing.
    await expect
      .poll(() => p.textContent('[data-field=empty]'), { timeout: PAGE_WAIT, interval: 50 })
      .toBe('Waiting for circuits: a circuit appears once its command has run.');
    expect(await p.locator('[data-circuit]').count()).toBe(0);
  } finally {
    await p.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A seeded random number generator (mulberry32), so that the README's picture is the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One dependency of the simulated service behind the README's picture. */
interface Dependency {
  name: string;
  /** Calls per second, on average. */
  rate: number;
  /** Share of runs that fail, at second `s`. */
  errors: (s: number) => number;
  /** Run latency, log-uniform between these (ms), at second `s`. */
  latency: (s: number) => [number, number];
  /** Share of calls that take `slow` ms. */
  tail?: number;
  slow?: number;
  /** Share of callers that give up (`'canceled'`) or whose deadline passes (`'deadline'`). */
  aborts?: [number, 'canceled' | 'deadline'];
  /** Share of calls that are the caller's fault: run throws a BadRequestError. */
  badRequests?: number;
  fallback?: boolean;
  config?: CommandConfig;
}

test('draws a realistic board for the README (docs/dashboard.png on request)', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const h = new Hystrix({ clock, logger: new NoopLogger() });
  const rand = random(20_240_611);
  const between = ([lo, hi]: [number, number]): number => lo * Math.pow(hi / lo, rand());
  const steady = (share: number) => () => share;
  const always = (range: [number, number]) => () => range;
  const deps: Dependency[] = [
    {
      name: 'payments-api',
      rate: 32,
      errors: steady(0.004),
      latency: always([35, 140]),
      tail: 0.01,
      slow: 600,
      config: { maxConcurrentRequests: 20, slowCallDuration: 500 },
    },
    { name: 'inventory', rate: 24, errors: steady(0.01), latency: always([8, 40]), fallback: true },
    {
      name: 'user-profile',
      rate: 58,
      errors: steady(0.002),
      latency: always([2, 9]),
      aborts: [0.01, 'canceled'],
      badRequests: 0.02,
      config: { maxConcurrentRequests: 20 },
    },
    { name: 'auth-tokens', rate: 44, errors: steady(0), latency: always([0.2, 1.5]) },
    { name: 'reviews', rate: 5, errors: steady(0.02), latency: always([20, 90]) },
    {
      name: 'search',
      rate: 20,
      errors: steady(0.1),
      latency: always([40, 300]),
      tail: 0.04,
      slow: 900,
      aborts: [0.01, 'deadline'],
      config: { timeout: 800, maxConcurrentRequests: 20 },
    },
    {
      name: 'recommendations',
      rate: 14,
      errors: steady(0.04),
      latency: always([60, 250]),
      tail: 0.25,
      slow: 500,
      fallback: true,
      config: { timeout: 300 },
    },
    {
      name: 'shipping-quotes',
      rate: 10,
      errors: (s) => (s > 70 ? 0.85 : 0.05),
      latency: always([30, 120]),
      fallback: true,
    },
    {
      name: 'fraud-check',
      rate: 8,
      errors: steady(0.01),
      latency: always([20, 80]),
      fallback: true,
    },
    {
      name: 'currency-rates',
      rate: 9,
      errors: (s) => (s >= 100 ? 1 : 0.01),
      latency: (s) => (s >= 108 ? [20_000, 20_000] : [15, 60]),
      config: { timeout: 30_000 },
    },
    {
      name: 'email-sender',
      rate: 9,
      errors: steady(0.01),
      latency: always([200, 650]),
      fallback: true,
      config: { maxConcurrentRequests: 4, maxQueueSize: 3, maxQueueWait: 100 },
    },
    { name: 'cart-service', rate: 16, errors: steady(0.005), latency: always([10, 60]) },
    { name: 'geo-ip', rate: 7, errors: steady(0.6), latency: always([3, 12]) },
    {
      name: 'legacy-soap-bridge',
      rate: 1.2,
      errors: steady(0.45),
      latency: always([300, 900]),
      config: { maxRequestsPerSecond: 1, burst: 1 },
    },
    {
      name: 'image-resize',
      rate: 6,
      errors: steady(0.02),
      latency: always([150, 700]),
      tail: 0.12,
      slow: 2000,
      config: { timeout: 1500 },
    },
  ];
  for (const d of deps) {
    if (d.config !== undefined) h.configureCommand(d.name, d.config);
    h.getCircuit(d.name);
  }
  h.getCircuit('geo-ip').circuit.forceClosed(true);

  const call = (d: Dependency, s: number): void => {
    const latency = d.tail !== undefined && rand() < d.tail ? d.slow! : between(d.latency(s));
    const failing = rand() < d.errors(s);
    const bad = d.badRequests !== undefined && rand() < d.badRequests;
    const run = async (): Promise<string> => {
      await clock.sleep(latency);
      if (bad) throw new BadRequestError(new Error('upstream 404'));
      if (failing) throw new Error('upstream 503');
      return 'ok';
    };
    const fallback = d.fallback === true ? () => 'fallback' : undefined;
    if (d.aborts !== undefined && rand() < d.aborts[0]) {
      const caller = new AbortController();
      const reason =
        d.aborts[1] === 'deadline' ? new DOMException('deadline', 'TimeoutError') : undefined;
      clock.setTimeout(() => caller.abort(reason), latency / 2);
      void h.go(d.name, run, fallback, { signal: caller.signal });
    } else {
      void h.go(d.name, run, fallback);
    }
  };

  // Its own context, in UTC, with the page's wall clock fixed: the picture is the same on every run, so that the
  // committed file changes only when the page does.
  const pictureContext = await theBrowser().newContext({
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1600, height: 900 },
  });
  const server = await startStreamServer({ hystrix: h });
  const p = await pictureContext.newPage();
  const seen = watch(p);
  try {
    await p.clock.setFixedTime(clock.now() + 125_000);
    // Worst first, as an operator would look at it.
    await p.goto(`${server.url}/#sort=error`);
    await waitLive(p);
    const seconds = 125;
    for (let s = 0; s < seconds; s++) {
      if (s === 95) h.getCircuit('fraud-check').circuit.forceOpen(true);
      deps.forEach((d, k) => {
        const wave = 1 + 0.25 * Math.sin(s / 11 + k) + 0.12 * Math.sin(s / 3.7 + 2 * k);
        const n = Math.max(0, Math.round(d.rate * wave + (rand() - 0.5)));
        for (let i = 0; i < n; i++) {
          clock.setTimeout(() => call(d, s), Math.floor(((i + rand()) * 1000) / n));
        }
      });
      await clock.advanceAsync(1000);
    }
    await board();
    expect(await visibleNames(p)).toEqual(expectedOrder(h, 'error', ''));
    const states = new Map(h.getCircuits().map((c) => [c.name, c.stats()]));
    expect(states.get('shipping-quotes')?.state).toBe('open');
    expect(states.get('currency-rates')?.state).toBe('half-open');
    expect(states.get('fraud-check')?.forcedOpen).toBe(true);
    expect(states.get('email-sender')?.rejects).toBeGreaterThan(0);
    expect(states.get('search')?.timeouts).toBeGreaterThan(0);
    expect(states.get('user-profile')?.badRequests).toBeGreaterThan(0);
    expect(states.get('legacy-soap-bridge')?.rateLimited).toBeGreaterThan(0);
    expect(states.get('payments-api')?.slowCalls).toBeGreaterThan(0);
    const height = await p.evaluate(() => document.documentElement.scrollHeight);
    await p.setViewportSize({ width: 1600, height });
    // The README's picture is rewritten only when asked (HYSTRIX_README_SCREENSHOT=1 npm test), so that a test run
    // leaves the tree as it was; every run writes its own copy under test-results/.
    mkdirSync('test-results', { recursive: true });
    await p.screenshot({ path: 'test-results/dashboard-readme.png' });
    if (process.env['HYSTRIX_README_SCREENSHOT'] === '1') {
      mkdirSync('docs', { recursive: true });
      await p.screenshot({ path: 'docs/dashboard.png' });
    }
    expect(seen.errors).toEqual([]);
  } finally {
    await pictureContext.close();
    await server.close();
    h.close();
    await flushPromises();
  }

  async function board(): Promise<void> {
    await expect
      .poll(() => shownBoard(p), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual(expectedBoard(h));
  }
}, 120_000);
