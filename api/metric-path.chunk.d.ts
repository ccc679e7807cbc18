// The published declarations of ./dist/metric-path-<hash>.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

/**
 * A circuit name as one segment of a dotted metric path, the one meaning of `sanitizeName` in every export that
 * builds such paths (StatsD's `<prefix>.<circuit>.<metric>` and Graphite's): `/`, `:` and `.` become `-`
 * (hystrix-go's `NewStatsdCollector` and `NewGraphiteCollector`), so that a name adds exactly one level to the
 * path; whitespace and control characters, which would end or split a line of those plaintext protocols, become
 * `_`.
 *
 * The other exports carry the name as it is, because their formats take any string: Prometheus label values
 * (prom-client escapes them), OpenTelemetry attributes, the DogStatsD tag `hystrixcircuit:<name>` (the client
 * makes tag values safe, as hot-shots does) and the stream's JSON.
 */
declare function sanitizeName(name: string): string;

export { sanitizeName as s };
