/**
 * A circuit's card: built once from the page's template, then drawn from the circuit's figures, writing only
 * what changed, so that a steady board costs no DOM work.
 */
import {
  ATTEMPT_COUNTS,
  type AttemptCount,
  type Circuit,
  type CircuitState,
  COUNTS,
  type HostRow,
  LATENCIES,
} from './circuit.js';
import { ERROR_TEXT, HEALTH, scale } from './colour.js';
import { find } from './dom.js';
import { count, ms, perSecond } from './format.js';
import { sparkPoints } from './spark.js';

function stateText(state: CircuitState): string {
  switch (state) {
    case 'closed':
      return 'Closed';
    case 'open':
      return 'Open';
    case 'half-open':
      return 'Half-open';
  }
}

/**
 * The state as the card's badge says it: of a fleet whose hosts disagree, the most serious state with how many
 * hosts are in it, such as `Open 1/3`.
 */
function fleetStateText(c: Circuit): string {
  const text = stateText(c.state);
  const states = c.states;
  if (states === null || c.reportingHosts <= 1 || states[c.state] >= c.reportingHosts) return text;
  return text + ' ' + String(states[c.state]) + '/' + String(c.reportingHosts);
}

/** A host's row: its id, state, requests, error % and total latency, written as text only. */
function hostRow(row: HostRow): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.setAttribute('data-host', row.host);
  tr.setAttribute('data-state', row.state);
  const cells = [
    row.host === '' ? '(empty id)' : row.host,
    stateText(row.state),
    count(row.requests),
    String(row.errorPercent) + '%',
    ms(row.mean),
    ms(row.p99),
  ];
  cells.forEach((text, i) => {
    const cell = document.createElement(i === 0 ? 'th' : 'td');
    if (i === 0) {
      cell.setAttribute('scope', 'row');
      cell.title = row.host;
    }
    cell.textContent = text;
    tr.append(cell);
  });
  return tr;
}

/** A card's per-host list: a collapsible table, closed at first. */
interface HostList {
  readonly details: HTMLDetailsElement;
  readonly count: Text;
  readonly rows: HTMLTableSectionElement;
}

const HOST_COLUMNS = ['host', 'state', 'req', 'err', 'mean', '99th'];

/** Builds the per-host list at the end of a card. */
function newHostList(card: HTMLElement): HostList {
  const details = document.createElement('details');
  details.className = 'hosts';
  const summary = document.createElement('summary');
  const b = document.createElement('b');
  const count = document.createTextNode('0');
  b.append(count);
  summary.append(b, ' hosts');
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const title of HOST_COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const rows = table.createTBody();
  details.append(summary, table);
  card.append(details);
  return { details, count, rows };
}

/** The cells of retries and hedging: their label and tooltip. */
const ATTEMPT_CELLS: readonly (readonly [AttemptCount, string, string])[] = [
  ['retries', 'retries', 'Retries: executions that retried a call after a failure or a timeout'],
  [
    'hedges',
    'hedges',
    'Hedges: executions started because a call had not answered within the hedge delay',
  ],
  ['hedgeWins', 'hedges won', 'Hedge wins: hedges whose success answered their call'],
];

/** Builds the cells of retries and hedging at the end of the card's second figures; returns them. */
function newAttemptCells(card: HTMLElement, nodes: Map<string, Text>): HTMLElement[] {
  const more = find(card, '.more', HTMLElement);
  return ATTEMPT_CELLS.map(([field, label, title]) => {
    const cell = document.createElement('div');
    cell.className = 'k';
    cell.title = title;
    const b = document.createElement('b');
    b.setAttribute('data-field', field);
    const text = document.createTextNode('0');
    b.append(text);
    nodes.set(field, text);
    cell.append(b, label);
    more.append(cell);
    return cell;
  });
}

/** The data-field of a run latency, such as `runP99` for `p99`. */
const runField = (key: string): string => 'run' + key.charAt(0).toUpperCase() + key.slice(1);

/** One circuit's card on the board. */
export class Card {
  /** The card's element, which the board places. */
  readonly element: HTMLElement;
  /** The text node of each data-field, but the name's, which never changes. */
  private readonly nodes = new Map<string, Text>();
  /** What each text node and attribute holds now. */
  private readonly shown = new Map<string, string>();
  private readonly drawn = new Map<string, string | null>();
  private readonly circle: Element;
  private readonly line: Element;
  private readonly area: Element;
  private readonly errorBox: Element;
  private readonly queue: HTMLElement;
  private readonly adaptive: HTMLElement;
  /** The per-host list, built the first time more than one process reports the circuit. */
  private hostList: HostList | null = null;
  /** The cells of retries and hedging, built the first time the circuit has either. */
  private attemptCells: HTMLElement[] | null = null;
  /** The rows drawn, as one string: the list is rebuilt only when it changes. */
  private shownHosts = '';

  /**
   * @param template - the card template's element.
   * @param name - the circuit's name, set once, as text and as the `data-circuit` attribute.
   */
  constructor(template: Element, name: string) {
    const card = template.cloneNode(true);
    if (!(card instanceof HTMLElement)) throw new Error('the card template is not an HTML element');
    card.setAttribute('data-circuit', name);
    for (const el of card.querySelectorAll('[data-field]')) {
      const field = el.getAttribute('data-field');
      if (field !== null && el.firstChild instanceof Text) this.nodes.set(field, el.firstChild);
    }
    this.nodes.delete('name');
    const title = find(card, '.name', HTMLElement);
    title.title = name;
    title.textContent = name === '' ? '(empty name)' : name;
    this.circle = find(card, '.bubble circle', Element);
    this.line = find(card, '.spark polyline', Element);
    this.area = find(card, '.spark path', Element);
    this.errorBox = find(card, '[data-field-color]', Element);
    this.queue = find(card, '.queue', HTMLElement);
    this.adaptive = find(card, '.adaptive', HTMLElement);
    this.element = card;
  }

  /** Draws the circuit's figures. */
  render(c: Circuit): void {
    const rate = c.window > 0 ? c.requests / (c.window / 1000) : 0;
    const forced = c.forcedOpen ? 'open' : c.forcedClosed ? 'closed' : null;
    const full = c.maxConcurrent > 0 && c.activeCount >= c.maxConcurrent;
    // The queue has a place on the pool line only when the command has one (or calls still wait in it).
    const queue = c.maxQueueSize > 0 || c.queueSize > 0;
    const card = this.element;
    this.attr('state', card, 'data-state', c.state);
    this.attr('forced', card, 'data-forced', forced);
    this.attr(
      'class',
      card,
      'class',
      'card' +
        (c.name === '' ? ' unnamed' : '') +
        (full ? ' full' : '') +
        (c.queueSize > 0 ? ' queued' : ''),
    );
    this.attr('queue', this.queue, 'hidden', queue ? null : '');
    // The limit of an adaptive command moves: the pool line says which algorithm moves it, within what.
    this.attr('adaptive', this.adaptive, 'hidden', c.adaptive === '' ? '' : null);
    this.text('adaptive', c.adaptive === '' ? '' : '(' + c.adaptive + ')');
    this.text('state', forced !== null ? 'Forced ' + forced : fleetStateText(c));
    for (const field of COUNTS) this.text(field, count(c[field]));
    this.text('errorPercent', String(c.errorPercent));
    this.text('rate', perSecond(rate));
    this.text('window', String(Math.round(c.window / 100) / 10));
    for (const key of LATENCIES) {
      this.text(key, ms(c.total[key]));
      this.text(runField(key), ms(c.run[key]));
    }
    this.attr('r', this.circle, 'r', (5 + 27 * Math.sqrt(Math.min(rate, 400) / 400)).toFixed(1));
    this.attr('fill', this.circle, 'fill', scale(HEALTH, c.errorPercent));
    this.attr('errorColour', this.errorBox, 'style', 'color:' + scale(ERROR_TEXT, c.errorPercent));
    this.drawSpark(c);
    this.drawHosts(c);
    this.drawAttempts(c);
  }

  /** Retries and hedges, for a command that has either (or had, within the window). */
  private drawAttempts(c: Circuit): void {
    const any = c.retryAttempts > 1 || c.hedgeMaxAttempts > 1 || c.retries > 0 || c.hedges > 0;
    // A command without either has no such cells at all: the board of such commands costs no more DOM.
    if (!any && this.attemptCells === null) return;
    const cells = (this.attemptCells ??= newAttemptCells(this.element, this.nodes));
    cells.forEach((cell, i) => {
      this.attr('attempts' + String(i), cell, 'hidden', any ? null : '');
    });
    for (const field of ATTEMPT_COUNTS) this.text(field, count(c[field]));
  }

  /** The per-host list, shown when more than one process reports the circuit. */
  private drawHosts(c: Circuit): void {
    const many = c.reportingHosts > 1 && c.hosts.length > 0;
    // One process's card has no list at all: the board of a single process costs no more DOM.
    if (!many && this.hostList === null) return;
    const list = (this.hostList ??= newHostList(this.element));
    this.attr('hosts', list.details, 'hidden', many ? null : '');
    const hosts = String(c.reportingHosts);
    if (list.count.data !== hosts) list.count.data = hosts;
    const key = many ? JSON.stringify(c.hosts) : '';
    if (key === this.shownHosts) return;
    this.shownHosts = key;
    list.rows.replaceChildren(...(many ? c.hosts.map(hostRow) : []));
  }

  private drawSpark(c: Circuit): void {
    const points = sparkPoints(c);
    const [first] = points;
    if (first === undefined) return;
    this.attr('line', this.line, 'points', points.join(' '));
    const left = first.slice(0, first.indexOf(','));
    this.attr('area', this.area, 'd', 'M' + left + ',30L' + points.join('L') + 'L120,30Z');
  }

  private text(field: string, value: string): void {
    if (this.shown.get(field) === value) return;
    this.shown.set(field, value);
    const node = this.nodes.get(field);
    if (node !== undefined) node.data = value;
  }

  /** Sets an attribute (or removes it, for `null`), under a key of its own. */
  private attr(key: string, el: Element, name: string, value: string | null): void {
    if (this.drawn.get(key) === value) return;
    this.drawn.set(key, value);
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }
}
