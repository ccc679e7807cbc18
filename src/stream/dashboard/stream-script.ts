/**
 * The part of the dashboard's client script that reads the stream: the `EventSource`, its reconnection, and
 * the messages it brings, merged into the circuits' state.
 *
 * Client JavaScript, run inside the page script's function after {@link BOARD_SCRIPT}, whose state and
 * functions it uses. It declares `connect`, which opens the stream at `STREAM_URL`.
 */
export const STREAM_SCRIPT = String.raw`
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
`;
