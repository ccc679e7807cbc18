import { pathSegment } from '../shared/metric-path.js';

/**
 * A circuit name as it appears in Graphite paths: `/`, `:` and `.` become `-` (hystrix-go's
 * `NewGraphiteCollector`), so that a name adds exactly one level to the path; whitespace and control
 * characters, which would break a plaintext line, become `_`.
 */
export function sanitizeName(name: string): string {
  return pathSegment(name).replace(/[\s\p{Cc}]/gu, '_');
}
