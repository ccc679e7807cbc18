/** A go-metrics `Gauge`: the latest value set. */
export class Gauge {
  /** The latest value. */
  value = 0;

  /** Appends the gauge's line, `<path>.value <value> <ts>` (go-metrics' Graphite form), to `out`. */
  write(path: string, ts: number, out: string[]): void {
    out.push(`${path}.value ${this.value} ${ts}\n`);
  }
}
