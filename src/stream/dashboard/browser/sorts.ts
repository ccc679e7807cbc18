/** The board's orders: by name, error %, volume or latency, each falling back on the name. */
import type { Circuit } from './circuit.js';

/** An order the sort control offers. */
export type SortKey = 'name' | 'error' | 'volume' | 'latency';

/** Orders two circuits, as `Array.prototype.sort` expects. */
export type Comparator = (a: Circuit, b: Circuit) => number;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const codeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
// Names equal to the collator (case, accents) still have one order.
const byName: Comparator = (a, b) => collator.compare(a.name, b.name) || codeUnits(a.name, b.name);

const SORTS: ReadonlyMap<string, Comparator> = new Map<SortKey, Comparator>([
  ['name', byName],
  ['error', (a, b) => b.errorPercent - a.errorPercent || b.requests - a.requests || byName(a, b)],
  ['volume', (a, b) => b.requests - a.requests || byName(a, b)],
  ['latency', (a, b) => b.total.p99 - a.total.p99 || byName(a, b)],
]);

/** Whether a string (from the URL or the control) names an order. */
export function isSortKey(value: string): value is SortKey {
  return SORTS.has(value);
}

/** The comparator of an order. */
export function comparator(key: SortKey): Comparator {
  return SORTS.get(key) ?? byName;
}
