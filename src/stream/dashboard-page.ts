/**
 * The live dashboard page served next to the event stream: one self-contained HTML document (inline CSS and
 * JavaScript, nothing fetched from elsewhere) that reads the extended stream and draws every circuit the way the
 * Netflix Hystrix dashboard does. Its parts are in `./dashboard/`: the HTML shell, the style sheet and the
 * client script, whose browser code (`./dashboard/browser/`, TypeScript against the DOM) is bundled at build time.
 */
import { htmlPage } from './dashboard/page.js';
import { dashboardScript } from './dashboard/script.js';
import { DASHBOARD_STYLE } from './dashboard/style.js';

/**
 * The live dashboard page: one self-contained HTML document, inline CSS and JavaScript only, nothing fetched
 * from elsewhere (it runs under the CSP `default-src 'none'; script-src 'unsafe-inline'; style-src
 * 'unsafe-inline'; connect-src 'self'; img-src data:`).
 *
 * The page reads `streamUrl?extended=true` with an `EventSource` and draws one card per circuit as the Hystrix
 * dashboard does: a circle sized by the request rate and coloured by the error percentage, a sparkline of the
 * last two minutes of request rate, the counts by outcome, the error percentage, latency percentiles, the
 * state and the pool. Cards can be filtered by name and sorted by name, error %, volume or latency; both are
 * kept in the URL hash, so that a link reopens the same view. On a fleet's stream, a circuit several processes
 * report says how many are in its state and lists them under its card.
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
  return htmlPage(DASHBOARD_STYLE, dashboardScript(streamUrl));
}
