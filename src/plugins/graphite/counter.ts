/** A go-metrics `Counter`: a total since registration. */
export class Counter {
  /** The total since registration. */
  count = 0;

  /** Appends the counter's line, `<path>.count <total> <ts>`, to `out`. */
  write(path: string, ts: number, out: string[]): void {
    out.push(`${path}.count ${this.count} ${ts}\n`);
  }
}
