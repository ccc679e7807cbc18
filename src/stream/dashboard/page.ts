const HEAD = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Hystrix dashboard · hystrix-ts</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E
%3Ccircle cx='8' cy='8' r='7' fill='%232da44e'/%3E%3C/svg%3E">
`;

// The card template is cloned for each circuit: the script then only changes text and a few attributes.
const BODY = String.raw`<body data-connection="connecting">
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
      <div class="k br" title="Bad request: the caller's fault, passed through (not counted toward health)">
        <b data-field="badRequests">0</b>bad request</div>
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
    <div class="k" title="Rate-limited: shed by maxRequestsPerSecond (not counted toward health)">
      <b data-field="rateLimited">0</b>rate-limited</div>
    <div class="k" title="Slow calls: runs at least slowCallDuration long">
      <b data-field="slowCalls">0</b>slow</div>
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
  <p class="pool">pool <b data-field="activeCount">0</b> / <b data-field="maxConcurrent">0</b> active
    <span class="adaptive" title="Adaptive limit: algorithm, minConcurrentRequests-maxConcurrentRequests"
      hidden><b data-field="adaptive">-</b></span> ·
    <span class="queue" title="Calls waiting for a ticket / maxQueueSize" hidden><b
      data-field="queueSize">0</b>/<b data-field="maxQueueSize">0</b> queued · </span>peak
    <b data-field="maxActive">0</b> · <b data-field="executed">0</b> executed</p>
</article>
</template>
`;

/**
 * The dashboard page as an HTML document: the head with `style` inline, the bar of totals and controls, the
 * board and the card template, then `script` inline.
 *
 * @param style - CSS, ending with a line break.
 * @param script - JavaScript, ending with a line break; nothing in it may close the `<script>` element.
 */
export function htmlPage(style: string, script: string): string {
  return `${HEAD}<style>\n${style}</style>\n</head>\n${BODY}<script>\n${script}</script>\n</body>\n</html>\n`;
}
