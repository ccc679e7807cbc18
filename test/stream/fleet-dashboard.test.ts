/**
 * The dashboard page in a real headless Chromium against a stream serving a fleet: three registries on
 * ManualClocks, snapshotted each tick, merged by the stream. A circuit several processes report shows the
 * fleet's figures, its state with how many hosts are in it, and a collapsible list of the hosts; a circuit one
 * process reports shows no list. Host ids are text, never markup.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Hystrix, ManualClock, NoopLogger } from '../../src/index.js';
import { type StreamServer, startStreamServer, streamSnapshot } from '../../src/stream/index.js';
import { failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';

failOnUnhandled();

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
const PAGE_WAIT = 15_000;
/** The page's milliseconds, restated (see dashboard.test.ts). */
const ms = (v: number): string =>
  !(v > 0)
    ? '0'
    : v < 0.01
      ? '<0.01'
      : v < 1
        ? v.toFixed(2)
        : v < 100
          ? v.toFixed(1)
          : String(Math.round(v));
const EVIL_HOST = '<img src=x onerror="window.pwned=1">';

let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
}, 60_000);

/** The browser, or the reason there is none: the test fails with it, it is not skipped. */
function theBrowser(): Browser {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard is tested in a real browser (see dashboard.test.ts).`,
    );
  }
  if (browser === undefined) throw new Error(`${CHROMIUM} did not start`);
  return browser;
}

/** What a card shows of the fleet: its state text, requests, and its host list (absent, closed or open). */
function readCard(page: Page, name: string) {
  return page.evaluate((circuit) => {
    const card = [...document.querySelectorAll<HTMLElement>('[data-circuit]')].find(
      (c) => c.getAttribute('data-circuit') === circuit,
    );
    if (card === undefined) return null;
    const details = card.querySelector<HTMLDetailsElement>('details.hosts');
    return {
      state: card.querySelector('[data-field=state]')?.textContent ?? null,
      dataState: card.getAttribute('data-state'),
      requests: card.querySelector('[data-field=requests]')?.textContent ?? null,
      errorPercent: card.querySelector('[data-field=errorPercent]')?.textContent ?? null,
      list:
        details === null
          ? null
          : {
              hidden: details.hidden,
              open: details.open,
              summary: details.querySelector('summary')?.textContent ?? '',
              rows: [...details.querySelectorAll('tbody tr')].map((tr) =>
                [...tr.children].map((cell) => cell.textContent),
              ),
              rowsShown: [...details.querySelectorAll<HTMLElement>('tbody tr')].filter((tr) =>
                tr.checkVisibility(),
              ).length,
            },
    };
  }, name);
}

describe('the dashboard page, live against a fleet stream', () => {
  const clock = new ManualClock(1_700_000_000_000);
  let hosts: { id: string; h: Hystrix }[] = [];
  /** Two processes that send only HystrixCommand messages for 'legacy', as a plain Hystrix stream would. */
  const legacy = [manualHystrix().h, manualHystrix().h];
  let server: StreamServer | undefined;
  let page: Page | undefined;
  const errors: string[] = [];

  beforeAll(async () => {
    const first = manualHystrix();
    hosts = [
      { id: 'web-1:101:a', h: first.h },
      { id: EVIL_HOST, h: manualHystrix().h },
      { id: 'web-3:303:c', h: manualHystrix().h },
    ];
    const [one, two, three] = hosts.map((x) => x.h) as [Hystrix, Hystrix, Hystrix];
    // The first host's calls take 12.5 ms each on its clock: its row shows latencies.
    const slow = [1, 2, 3, 4, 5, 6].map(() =>
      one.go('pay', () => first.clock.sleep(12.5).then(() => 'ok')),
    );
    await first.clock.advanceAsync(12.5);
    await Promise.all(slow);
    for (let i = 0; i < 3; i++) await two.go('pay', () => 'ok');
    await two.go('pay', () => Promise.reject(new Error('down')));
    // The third trips its circuit: 4 failures of 4, then one call short-circuited.
    three.configureCommand('pay', {
      requestVolumeThreshold: 4,
      errorPercentThreshold: 50,
      sleepWindow: 600_000,
    });
    for (let i = 0; i < 4; i++) await three.go('pay', () => Promise.reject(new Error('down')));
    await three.go('pay', () => 'ok').catch(() => undefined);
    await one.go('ship', () => 'ok');
    // 50 % and 25 % errors: the merged errorPercentage is 75, which the page divides by the 2 hosts.
    await legacy[0]!.go('legacy', () => 'ok');
    await legacy[0]!.go('legacy', () => Promise.reject(new Error('down')));
    for (let i = 0; i < 3; i++) await legacy[1]!.go('legacy', () => 'ok');
    await legacy[1]!.go('legacy', () => Promise.reject(new Error('down')));
    await flushPromises();
    // The stream's own registry gives only the clock: the page shows the fleet.
    server = await startStreamServer({
      hystrix: new Hystrix({ clock, logger: new NoopLogger() }),
      source: {
        snapshots: () =>
          Promise.resolve([
            ...hosts.map((x) => streamSnapshot(x.h, x.id)),
            ...legacy.map((h, i) => {
              const s = streamSnapshot(h, `legacy-${i}`);
              return {
                ...s,
                messages: s.messages.filter((m) => m.startsWith('{"type":"HystrixCommand"')),
              };
            }),
          ]),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  test('a fleet circuit: summed figures, its state with the hosts in it, and a collapsible host list', async () => {
    page = await theBrowser().newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${server!.url}/`);
    await page.waitForFunction(() => document.body.dataset['connection'] === 'live', undefined, {
      timeout: PAGE_WAIT,
    });
    clock.advance(1000);
    const stats = hosts.map((x) => x.h.getCircuit('pay').circuit.stats());
    expect(stats.map((s) => s.state)).toEqual(['closed', 'closed', 'open']);
    expect(stats[0]!.totalLatency.mean).toBeGreaterThan(10);
    const requests = stats.reduce((t, s) => t + s.requests, 0);
    const errorsSum = stats.reduce((t, s) => t + s.errors, 0);
    const rows = [...hosts]
      .map((x, i) => ({ id: x.id, s: stats[i]! }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ id, s }) => [
        id,
        s.state === 'open' ? 'Open' : 'Closed',
        String(s.requests),
        `${s.errorPercent}%`,
        ms(s.totalLatency.mean),
        ms(s.totalLatency.p99),
      ]);
    await expect
      .poll(() => readCard(page!, 'pay'), { timeout: PAGE_WAIT, interval: 50 })
      .toEqual({
        state: 'Open 1/3',
        dataState: 'open',
        requests: String(requests),
        errorPercent: String(Math.trunc((errorsSum / requests) * 100 + 0.5)),
        list: { hidden: false, open: false, summary: '3 hosts', rows, rowsShown: 0 },
      });
    // One process reports ship: no list at all.
    // Without extended messages, the page reads the Hystrix message as the Netflix dashboard does.
    expect(legacy.map((h) => h.getCircuit('legacy').circuit.stats().errorPercent)).toEqual([
      50, 25,
    ]);
    expect(await readCard(page, 'legacy')).toMatchObject({
      requests: '6',
      errorPercent: '38',
      list: null,
    });
    expect(await readCard(page, 'ship')).toMatchObject({
      state: 'Closed',
      requests: '1',
      list: null,
    });

    // The list opens on a click and shows every host as text.
    await page.locator('[data-circuit="pay"] details.hosts summary').click();
    await expect
      .poll(async () => (await readCard(page!, 'pay'))?.list?.rowsShown, {
        timeout: PAGE_WAIT,
        interval: 50,
      })
      .toBe(3);
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);

    // Another tick: the list stays open, and follows the fleet.
    for (let i = 0; i < 4; i++) await hosts[0]!.h.go('pay', () => 'ok');
    clock.advance(1000);
    await expect
      .poll(async () => (await readCard(page!, 'pay'))?.requests, {
        timeout: PAGE_WAIT,
        interval: 50,
      })
      .toBe(String(requests + 4));
    expect(await readCard(page, 'pay')).toMatchObject({ list: { open: true, rowsShown: 3 } });
    expect(errors).toEqual([]);
  });
});
