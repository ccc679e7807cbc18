/**
 * The stream's frames: each begins with a `HystrixTsFrame` message and names every circuit once, so a circuit
 * missing from a whole frame was forgotten by the registry (`flush()`).
 */
export class Frames {
  /** Names met since the current frame began. */
  private names = new Set<string>();
  /** Whether a frame has begun since the connection opened, so that the current one is whole. */
  private framing = false;

  /** Notes a circuit named in the current frame. */
  seen(name: string): void {
    this.names.add(name);
  }

  /**
   * Begins a frame.
   *
   * @returns the names of the frame that ends, or `undefined` when it is not whole.
   */
  begin(): ReadonlySet<string> | undefined {
    const ended = this.framing ? this.names : undefined;
    this.framing = true;
    this.names = new Set();
    return ended;
  }

  /** Forgets the current frame: one cut short by a lost connection must not make the circuits it missed look gone. */
  reset(): void {
    this.names = new Set();
    this.framing = false;
  }
}
