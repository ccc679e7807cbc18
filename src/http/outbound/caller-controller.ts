import type { Dispatcher } from 'undici';

/**
 * The controller the caller's dispatch handler is given by the undici interceptor: it exists before the command
 * decides whether a request goes out at all. Aborting it aborts the command (the call ends as
 * `context_canceled`) and the upstream request; pausing it pauses the upstream's body.
 */
export class CallerController implements Dispatcher.DispatchController {
  private abortedWith: Error | null = null;
  private isPaused = false;
  private upstream: Dispatcher.DispatchController | null = null;

  /** @param onAbort - called once, with the reason, when the caller aborts. */
  constructor(private readonly onAbort: (reason: Error) => void) {}

  get aborted(): boolean {
    return this.abortedWith !== null;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get reason(): Error | null {
    return this.abortedWith;
  }

  /** The upstream's raw headers, once its answer is forwarded. */
  get rawHeaders(): Exclude<Dispatcher.DispatchController['rawHeaders'], undefined> {
    return this.upstream?.rawHeaders ?? null;
  }

  /** The upstream's raw trailers, once its answer is forwarded. */
  get rawTrailers(): Exclude<Dispatcher.DispatchController['rawTrailers'], undefined> {
    return this.upstream?.rawTrailers ?? null;
  }

  /** The upstream request's controller, once it has one: pause, resume and abort reach it. */
  attach(upstream: Dispatcher.DispatchController): void {
    this.upstream = upstream;
    if (this.isPaused) upstream.pause();
  }

  abort(reason: Error): void {
    if (this.abortedWith !== null) return;
    this.abortedWith = reason;
    this.upstream?.abort(reason);
    this.onAbort(reason);
  }

  pause(): void {
    this.isPaused = true;
    this.upstream?.pause();
  }

  resume(): void {
    this.isPaused = false;
    this.upstream?.resume();
  }
}
