/** The part of autocannon's API the load tests and the benchmark use (autocannon ships no types). */
declare module 'autocannon' {
  export interface Histogram {
    readonly average: number;
    readonly min: number;
    readonly max: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
  }
  export interface Result {
    readonly latency: Histogram;
    readonly requests: Histogram & { readonly total: number };
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    /** Answers by status code (autocannon's documentation shows the counts as strings). */
    readonly statusCodeStats: Record<string, { readonly count: number | string }>;
  }
  export interface Request {
    method?: string;
    path?: string;
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string>,
    ) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    requests?: Request[];
  }
  export interface Instance extends PromiseLike<Result> {
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, responseTime: number) => void,
    ): this;
    stop(): void;
  }
  export default function autocannon(options: Options): Instance;
}
