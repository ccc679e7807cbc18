/**
 * hystrix-ts/rolling: the rolling-window primitives behind the circuits' figures (hystrix-go's `rolling`
 * package). `RollingNumber` keeps counters over a window of buckets, several lanes sharing them; `RollingTiming`
 * keeps a latency histogram over such a window. Both read time from a `Clock` and rotate from timestamps, so no
 * timer runs. Most users read a circuit's figures through `circuit.stats()` and never need these.
 *
 * @packageDocumentation
 */
export { RollingNumber, type RollingNumberOptions } from './number.js';
export type { RollingWindowOptions } from './ring.js';
export { RollingTiming, type RollingTimingOptions, type TimingReader } from './timing.js';
