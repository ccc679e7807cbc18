/**
 * The extended event stream read with an `EventSource`: its messages go to the board, its state to the bar, and
 * it reconnects when the browser gives up.
 */
import type { Board } from './board.js';
import { Frames } from './frames.js';
import { type Message, mergeCommand, mergeExtended, mergePool } from './merge.js';

/** The connection's state, shown in the bar and as the body's `data-connection`. */
type Connection = 'connecting' | 'live' | 'lost';

function connectionText(state: Connection): string {
  switch (state) {
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return 'Live';
    case 'lost':
      return 'Lost, reconnecting…';
  }
}

/** How long to wait before opening the stream again after the browser gave up on it. */
const RETRY_MS = 5000;

/**
 * Reads the stream at `url` (with `extended=true`) into the board, for as long as the page is open.
 *
 * @param status - the element that says how the connection is.
 */
export function follow(url: string, board: Board, status: HTMLElement): void {
  const frames = new Frames();

  function setConnection(state: Connection): void {
    document.body.dataset['connection'] = state;
    status.textContent = connectionText(state);
  }

  function onMessage(event: MessageEvent<string>): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      return;
    }
    if (parsed === null || typeof parsed !== 'object') return;
    const m = parsed as Message;
    const name = m['name'];
    if (m['type'] === 'HystrixTsFrame') {
      const ended = frames.begin();
      if (ended !== undefined) board.keepOnly(ended);
    } else if (typeof name !== 'string') return;
    else if (m['type'] === 'HystrixCommand') {
      frames.seen(name);
      const c = board.circuitFor(name);
      mergeCommand(c, m);
      board.changed(c);
    } else if (m['type'] === 'HystrixThreadPool') {
      const c = board.circuitFor(name);
      mergePool(c, m);
      board.changed(c);
    } else if (m['type'] === 'HystrixTsCircuit') {
      const c = board.circuitFor(name);
      mergeExtended(c, m);
      board.changed(c);
    } else return;
    board.messageReceived();
  }

  function connect(): void {
    setConnection('connecting');
    let source: EventSource;
    try {
      source = new EventSource(url + (url.includes('?') ? '&' : '?') + 'extended=true');
    } catch {
      setConnection('lost');
      setTimeout(connect, RETRY_MS);
      return;
    }
    source.onopen = () => {
      frames.reset();
      setConnection('live');
    };
    source.onmessage = onMessage;
    source.onerror = () => {
      setConnection('lost');
      // EventSource retries by itself after a network error, but gives up after an HTTP error (such as a 503
      // when the server has too many clients): then start again later.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, RETRY_MS);
      }
    };
  }

  connect();
}
