import { BINS } from './histogram.js';
import { grown, zeros } from './cells.js';

// Per-bucket summary of a row: count, sum, min, max.
const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const FIELDS = 4;

/** Bins are counted in groups of 16 (one power of two, or the 16 exact microseconds below 16 µs). */
const GROUP_BITS = 4;
const GROUP = 1 << GROUP_BITS;
const GROUPS = BINS >>> GROUP_BITS;
/** A narrow counter holds up to this; the next count widens its group. */
const NARROW_MAX = 255;
/** Distinct (bucket, row, bin) counts kept as a list before the counts move to groups. */
const MAX_PAIRS = 4;
/**
 * The largest count kept in the list: a window counting more is busy, and a search of the list would cost each
 * of its calls more than the index of the groups.
 */
const LIST_MAX_COUNT = 16;

/**
 * @internal The storage of a rolling latency window: per row (a series of durations) and per bucket, a summary
 * (count, sum, minimum, maximum) and a histogram over the log-linear bins. Sized to what was recorded:
 *
 * - Summaries: a row's block (4 numbers per bucket) is added on the row's first duration.
 * - Histograms start as a short list of (bucket, row, bin) counts: a circuit called a few times holds a few
 *   numbers. Past {@link MAX_PAIRS} distinct counts, or {@link LIST_MAX_COUNT} in one, they move to groups of 16
 *   bins, each group holding its 16 bins for every bucket, allocated on its first count: latencies cluster in a
 *   few powers of two, and the groups a busy window touches stay the same from one bucket to the next. A group
 *   counts in bytes until one of its counts passes 255, then in 32-bit words (as the whole histogram did before).
 *
 * Every lookup is an index computation, never a search, once the counts are in groups; the list is searched
 * only while it holds at most {@link MAX_PAIRS} entries, none above {@link LIST_MAX_COUNT}.
 */
export class LatencyStore {
  /**
   * The first `rows` numbers: where each row's summary block starts (0: none yet); then where the list starts;
   * then the summary blocks; then the list, (key, count) pairs (key -1: a free pair), while there is no `index`.
   */
  private meta: number[];
  /**
   * Null while the counts are a list; then, by row and group: 0 none, n > 0 narrow at n - 1, n < 0 wide at ~n
   * (`~`, not a minus: never -0, so the index math stays in integers).
   */
  private index: Int32Array | null = null;
  private narrow: Uint8Array = NO_BYTES;
  private wide: Uint32Array = NO_WORDS;

  constructor(
    private readonly rows: number,
    private readonly buckets: number,
  ) {
    this.meta = zeros(rows + 1);
    this.meta[rows] = rows + 1;
  }

  /** Records duration `d` (ms, not negative) in bin `bin` of `row`, bucket `slot`. */
  put(row: number, slot: number, bin: number, d: number): void {
    const meta = this.meta;
    // `| 0`: a whole number, so the index math stays in integers.
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- row < rows
    const block = meta[row]! | 0;
    if (block === 0) {
      // The row's first duration: its block is added, then the duration is put as any other.
      this.addBlock(row);
      this.put(row, slot, bin, d);
      return;
    }
    const base = block + slot * FIELDS;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
    const count = meta[base + COUNT]!;
    if (count === 0) {
      meta[base + MIN] = d;
      meta[base + MAX] = d;
    } else {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
      if (d < meta[base + MIN]!) meta[base + MIN] = d;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
      if (d > meta[base + MAX]!) meta[base + MAX] = d;
    }
    meta[base + COUNT] = count + 1;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
    meta[base + SUM]! += d;
    const index = this.index;
    if (index === null) {
      this.putListed(row, slot, bin);
      return;
    }
    const at = row * GROUPS + (bin >>> GROUP_BITS);
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- at < rows * GROUPS
    const group = index[at]!;
    const cell = slot * GROUP + (bin & (GROUP - 1));
    if (group > 0) {
      const i = group - 1 + cell;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the group
      const v = this.narrow[i]! + 1;
      if (v <= NARROW_MAX) {
        this.narrow[i] = v;
      } else {
        // Widened first: `this.wide` is a new array after it.
        const wide = ~this.widen(at);
        this.wide[wide + cell] = v;
      }
    } else if (group < 0) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the group
      this.wide[~group + cell]!++;
    } else {
      this.addGroup(at, cell, 1);
    }
  }

  /** Durations of `row` in the window. */
  count(row: number): number {
    return this.fold(row, COUNT);
  }

  /** The sum of the durations of `row` in the window. */
  sum(row: number): number {
    return this.fold(row, SUM);
  }

  /** The smallest or the largest duration of `row` in the window; ±Infinity when it has none. */
  extreme(row: number, largest: boolean): number {
    const meta = this.meta;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- row < rows
    const block = meta[row]!;
    let best = largest ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (block === 0) return best;
    const field = largest ? MAX : MIN;
    for (let base = block; base < block + this.buckets * FIELDS; base += FIELDS) {
      if (meta[base + COUNT] === 0) continue;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
      const v = meta[base + field]!;
      if (largest ? v > best : v < best) best = v;
    }
    return best;
  }

  /** Adds the counts of `row` over the window into `into`, by bin. */
  addCounts(row: number, into: Float64Array): void {
    const index = this.index;
    if (index === null) {
      const meta = this.meta;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- meta[rows] is the list's start
      for (let i = meta[this.rows]!; i < meta.length; i += 2) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
        const key = meta[i]!;
        if (key < 0) continue;
        const rowBin = Math.floor(key / this.buckets);
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
        if (Math.floor(rowBin / BINS) === row) into[rowBin % BINS]! += meta[i + 1]!;
      }
      return;
    }
    for (let g = 0; g < GROUPS; g++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- row * GROUPS + g < index.length
      const group = index[row * GROUPS + g]!;
      if (group === 0) continue;
      const counts = group > 0 ? this.narrow : this.wide;
      const start = group > 0 ? group - 1 : ~group;
      for (let slot = 0; slot < this.buckets; slot++) {
        const from = start + slot * GROUP;
        for (let k = 0; k < GROUP; k++) {
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- bins and cells in range
          into[g * GROUP + k]! += counts[from + k]!;
        }
      }
    }
  }

  /** Empties bucket `slot`. */
  clearSlot(slot: number): void {
    const meta = this.meta;
    for (let row = 0; row < this.rows; row++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- row < rows
      const block = meta[row]!;
      if (block !== 0) meta.fill(0, block + slot * FIELDS, block + slot * FIELDS + FIELDS);
    }
    const index = this.index;
    if (index === null) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- meta[rows] is the list's start
      for (let i = meta[this.rows]!; i < meta.length; i += 2) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
        const key = meta[i]!;
        if (key >= 0 && key % this.buckets === slot) {
          meta[i] = -1;
          meta[i + 1] = 0;
        }
      }
      return;
    }
    for (const group of index) {
      if (group > 0)
        this.narrow.fill(0, group - 1 + slot * GROUP, group - 1 + slot * GROUP + GROUP);
      else if (group < 0) this.wide.fill(0, ~group + slot * GROUP, ~group + slot * GROUP + GROUP);
    }
  }

  /** The sum of one summary field of `row` over the buckets. */
  private fold(row: number, field: number): number {
    const meta = this.meta;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- row < rows
    const block = meta[row]!;
    if (block === 0) return 0;
    let total = 0;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the row's block
    for (let i = block + field; i < block + this.buckets * FIELDS; i += FIELDS) total += meta[i]!;
    return total;
  }

  /** A row's first duration: its summary block goes in before the list. */
  private addBlock(row: number): number {
    const old = this.meta;
    const rows = this.rows;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- meta[rows] is the list's start
    const block = old[rows]!;
    const size = this.buckets * FIELDS;
    const meta = zeros(old.length + size);
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < block <= old.length
    for (let i = 0; i < block; i++) meta[i] = old[i]!;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the list follows the blocks
    for (let i = block; i < old.length; i++) meta[i + size] = old[i]!;
    meta[row] = block;
    meta[rows] = block + size;
    this.meta = meta;
    return block;
  }

  /** A count while the counts are a list: the pair of the key, a free one, a new one, or the move to groups. */
  private putListed(row: number, slot: number, bin: number): void {
    const meta = this.meta;
    const key = (row * BINS + bin) * this.buckets + slot;
    let free = -1;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- meta[rows] is the list's start
    const start = meta[this.rows]!;
    let i = start;
    for (; i < meta.length; i += 2) {
      const k = meta[i];
      if (k === key) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
        const n = meta[i + 1]! + 1;
        if (n <= LIST_MAX_COUNT) {
          meta[i + 1] = n;
          return;
        }
        break; // a busy window: its counts move to groups, where a count is an index away
      }
      if (k === -1 && free < 0) free = i;
    }
    const full = free < 0 && meta.length - start >= MAX_PAIRS * 2;
    if (i < meta.length || full) {
      this.toGroups();
      this.add(row, slot, bin, 1);
    } else if (free >= 0) {
      meta[free] = key;
      meta[free + 1] = 1;
    } else {
      const more = grown(meta, meta.length + 2);
      more[meta.length] = key;
      more[meta.length + 1] = 1;
      this.meta = more;
    }
  }

  /** Moves the list to groups of bins. */
  private toGroups(): void {
    const meta = this.meta;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- meta[rows] is the list's start
    const start = meta[this.rows]!;
    this.index = new Int32Array(this.rows * GROUPS);
    this.meta = meta.slice(0, start);
    for (let i = start; i < meta.length; i += 2) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
      const key = meta[i]!;
      if (key < 0) continue;
      const slot = key % this.buckets;
      const rowBin = (key - slot) / this.buckets;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- pairs fill the list
      this.add(Math.floor(rowBin / BINS), slot, rowBin % BINS, meta[i + 1]!);
    }
  }

  /** Adds `n` to a count once the counts are in groups (off the hot path: moving, widening). */
  private add(row: number, slot: number, bin: number, n: number): void {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- called once the index exists
    const index = this.index!;
    const at = row * GROUPS + (bin >>> GROUP_BITS);
    const cell = slot * GROUP + (bin & (GROUP - 1));
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- at < rows * GROUPS
    let group = index[at]!;
    if (group === 0) {
      this.addGroup(at, cell, n);
      return;
    }
    if (group > 0) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the group
      const v = this.narrow[group - 1 + cell]! + n;
      if (v <= NARROW_MAX) {
        this.narrow[group - 1 + cell] = v;
        return;
      }
      group = this.widen(at);
    }
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- in the group
    this.wide[~group + cell]! += n;
  }

  /** A group's first count: a narrow group is appended (bytes: copied, exactly long enough). */
  private addGroup(at: number, cell: number, n: number): void {
    const size = this.buckets * GROUP;
    if (n > NARROW_MAX) {
      const start = this.wide.length;
      this.wide = appended(this.wide, size, Uint32Array);
      this.wide[start + cell] = n;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- called once the index exists
      this.index![at] = ~start;
      return;
    }
    const start = this.narrow.length;
    this.narrow = appended(this.narrow, size, Uint8Array);
    this.narrow[start + cell] = n;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- called once the index exists
    this.index![at] = start + 1;
  }

  /** A narrow group's count passes 255: the group moves to words, and the bytes close up. Returns its entry. */
  private widen(at: number): number {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- called once the index exists
    const index = this.index!;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a narrow group's entry
    const from = index[at]! - 1;
    const size = this.buckets * GROUP;
    const start = this.wide.length;
    this.wide = appended(this.wide, size, Uint32Array);
    this.wide.set(this.narrow.subarray(from, from + size), start);
    const narrow = new Uint8Array(this.narrow.length - size);
    narrow.set(this.narrow.subarray(0, from));
    narrow.set(this.narrow.subarray(from + size), from);
    this.narrow = narrow;
    for (let i = 0; i < index.length; i++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < index.length
      if (index[i]! > from + 1) index[i]! -= size;
    }
    return (index[at] = ~start);
  }
}

const NO_BYTES = new Uint8Array(0);
const NO_WORDS = new Uint32Array(0);

/** `array` with `size` zeros after it, in a new array of its kind. */
function appended<T extends Uint8Array | Uint32Array>(
  array: T,
  size: number,
  Kind: new (length: number) => T,
): T {
  const out = new Kind(array.length + size);
  out.set(array);
  return out;
}
