/**
 * A circuit name with `/`, `:` and `.` made `-` (hystrix-go's `NewStatsdCollector` and
 * `NewGraphiteCollector`), so that a name adds exactly one level to a dotted path.
 */
export function pathSegment(name: string): string {
  return name.replace(/[/:.]/g, '-');
}
