/**
 * Per command, the time until which an upstream asked not to be called (a `Retry-After` on a 429 or a 503):
 * calls of the command before then fail at once, without a request. One entry per command that was told to
 * wait, dropped once its time is past.
 */
export class RetryAfterGate {
  private readonly until = new Map<string, number>();

  /** Until when `command` must wait, or undefined when it may call now. */
  blockedUntil(command: string, now: number): number | undefined {
    const until = this.until.get(command);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.until.delete(command);
    return undefined;
  }

  /** Makes `command` wait until `until`, unless it already waits longer. */
  block(command: string, until: number): void {
    const current = this.until.get(command);
    if (current === undefined || current < until) this.until.set(command, until);
  }
}
