/** The part of opossum's API the benchmark uses (opossum ships no types). */
declare module 'opossum' {
  export default class CircuitBreaker {
    constructor(action: () => Promise<number>, options?: Record<string, unknown>);
    fire(): Promise<number>;
    open(): void;
    shutdown(): void;
  }
}
