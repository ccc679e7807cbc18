/**
 * Model-based test (fast-check's `asyncModelRun`) of one registry on a ManualClock. Random sequences of
 * calls, run settlements, caller aborts, clock moves and jumps, reconfigurations, forcing and flushes are
 * applied both to a real `Hystrix` and to a plain reference model written here; after every command the
 * registry must agree with the model: each circuit's state, `isOpen()`, `allowRequest()` (which must change
 * nothing), its rolling figures and pool, flushed circuits included; every call's outcome, run and fallback,
 * and the signal given to run; the log lines of state changes; and the clock's timers.
 *
 * The model is written from the documentation, not from the code, so that it is an independent oracle. It keeps,
 * per circuit, every outcome with its time (a window's figures are sums over the outcomes inside it), when the
 * circuit opened and the half-open spell under way with its probes, and the tickets given back to the pool; per
 * call, its admission, ticket, deadline and outcome; and the time: the ManualClock's wall and monotonic times,
 * the registry's view of them (the monotonic time when the clock offers it, else the wall time seen through a
 * view that never goes back), and the timers that carry the deadlines (one timer per timeout value, as README
 * says).
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  type CircuitBreaker,
  type CircuitStats,
  type Clock,
  ContextError,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  Hystrix,
  type LatencyStats,
  ManualClock,
  type RunContext,
} from '../src/index.js';
import {
  type Deferred,
  deferred,
  failOnUnhandled,
  flushPromises,
  never,
  recordingLogger,
} from './helpers.js';

failOnUnhandled();

const NAMES = ['inventory', 'payments'] as const;
type Name = (typeof NAMES)[number];
/** A circuit the commands never use: the check reads the registry's clock through it. */
const READER = 'clock-reader';
const START = 1_700_000_000_000;
const HOUR = 3_600_000;
const MAX_DELAY = 2_147_483_647;
/** The fallback timeout is left at its default. */
const FALLBACK_TIMEOUT = 1000;
/** The latency window is left at its default: 6 buckets of 10 s. */
const LATENCY_WINDOW = 60_000;
const LATENCY_BUCKETS = 6;

type EventName =
  | 'success'
  | 'failure'
  | 'rejected'
  | 'short-circuit'
  | 'timeout'
  | 'context_canceled'
  | 'context_deadline_exceeded';
const ERROR_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'failure',
  'rejected',
  'short-circuit',
  'timeout',
]);

/**
 * What run does: return a value or throw at once; return a promise already resolved or rejected; return a
 * promise the test settles later (with success or failure); the same, but rejecting with the abort reason
 * as soon as its signal aborts (a cooperative run); or never settle.
 */
type Plan =
  'value' | 'throw' | 'resolved' | 'rejected' | 'later-ok' | 'later-fail' | 'cooperative' | 'never';
type FallbackKind = 'none' | 'value' | 'throw';
type Mode = 'do' | 'go' | 'doC' | 'goC';
/** An abort reason: an `Error`, a `TimeoutError` (a deadline) or none given (an `AbortError`). */
type ReasonKind = 'cancel' | 'deadline' | 'default';
/** Moments worth landing on exactly: see {@link Model.boundary}. */
type Boundary = 'sleep' | 'deadline' | 'expiry';
/** No signal, a new controller's, or an existing controller's (index modulo their number). */
type SignalPick = 'none' | 'new' | number;

/** The settings the commands vary; the others keep their defaults. */
interface Conf {
  timeout: number;
  maxConcurrentRequests: number;
  requestVolumeThreshold: number;
  errorPercentThreshold: number;
  sleepWindow: number;
  halfOpenProbes: number;
  rollingWindow: number;
  rollingBuckets: number;
}

interface CallSpec {
  name: Name;
  mode: Mode;
  plan: Plan;
  fallback: FallbackKind;
  signal: SignalPick;
  /** Run reads `ctx.signal` at once (else the check reads it only once the call has ended). */
  readSignal: boolean;
}

// -------------------------------------------------------------------------------------------------
// The reference model, written from the documentation: README "Calls", "Circuits and their figures" and
// "Differences from hystrix-go"; hystrix-go's semantics where those are kept (the open rule, which events are
// errors, the rounding of the error percentage, the strict end of the sleep window, the pool's figures).
// -------------------------------------------------------------------------------------------------

/** One execution as the circuit's figures see it: when it was decided, how, and how long it took. */
interface Outcome {
  at: number;
  event: EventName;
  fallback: FallbackKind;
  /** How long run took, when run's own answer decided the outcome; null otherwise. */
  runMs: number | null;
  totalMs: number;
}

/** A ticket given back to the pool. */
interface TicketBack {
  at: number;
}

/** A ticket taken from the pool, and how many were out with it (the pool's maximum is counted when a run starts). */
interface TicketTaken {
  at: number;
  outAfter: number;
}

/**
 * A half-open spell: the probes let through that have not answered yet, and how many answered with a success.
 * At most `halfOpenProbes` probes are out or passed at once; a probe whose caller gave up leaves room for another.
 */
interface Trial {
  readonly out: Set<ModelCall>;
  passed: number;
}

class ModelCircuit {
  /** Since when the circuit has been open (opened, or a probe failed); null while it is closed. */
  openSince: number | null = null;
  /** The half-open spell under way; null unless the sleep window has ended and probes are let through. */
  trial: Trial | null = null;
  forcedOpen = false;
  forcedClosed = false;
  /** Every execution, oldest first; the rolling figures are sums over the part inside a window. */
  outcomes: Outcome[] = [];
  ticketsBack: TicketBack[] = [];
  ticketsTaken: TicketTaken[] = [];
  /** The calls whose runs hold a ticket now. */
  readonly holders = new Set<ModelCall>();
  /** Failures and timeouts since the last success (or since the circuit last closed). */
  inARow = 0;
  /** Episodes of hung runs so far, and the last one logged. */
  hungEpisodes = 0;
  hungReported = 0;
  /** Tickets out now. */
  out = 0;

  constructor(
    readonly name: Name,
    public conf: Conf,
  ) {}

  /** Runs that timed out and still hold their tickets. */
  hungRuns(): number {
    return [...this.holders].filter((call) => call.event === 'timeout').length;
  }

  /** The circuit's own state, forcing aside. */
  own(): 'closed' | 'open' | 'half-open' {
    if (this.trial !== null) return 'half-open';
    return this.openSince === null ? 'closed' : 'open';
  }
}

/** A deadline: a call's run, or a fallback (`call` null: fallbacks here end at once). */
interface ModelDeadline {
  readonly call: ModelCall | null;
  readonly at: number;
  done: boolean;
}

/**
 * The deadlines of one timeout value, in call order, and the one timer armed for them (README: one timer per
 * timeout value, not one per call). An ended call's deadline is only marked done; the timer, when it fires,
 * ends what is due and is armed again for the first deadline still waiting, if any.
 */
interface DeadlineLine {
  deadlines: ModelDeadline[];
  timer: ModelTimer | null;
  /** When the armed timer is due, in the registry's time. */
  dueAt: number;
}

interface ModelTimer {
  readonly due: number;
  readonly line: DeadlineLine;
}

interface ModelCall {
  readonly spec: CallSpec;
  readonly circuit: ModelCircuit;
  readonly start: number;
  /** Index of the caller's controller, -1 without a signal. */
  readonly controller: number;
  ran: boolean;
  holdsTicket: boolean;
  /** Run's promise can still be settled by the test. */
  runPending: boolean;
  /** No outcome yet. */
  running: boolean;
  /** Listening to the caller's signal. */
  listening: boolean;
  /** The half-open spell the call was let through in as a probe; null for any other call. */
  probeOf: Trial | null;
  event: EventName | null;
  deadline: ModelDeadline | null;
}

/**
 * A rolling window of `buckets` buckets of `window / buckets` ms, laid on the time line from 0, holds the
 * bucket of `now` and the `buckets - 1` before it: exactly the configured window (DESIGN deviation 3).
 */
function inWindow(at: number, now: number, window: number, buckets: number): boolean {
  const width = window / buckets;
  const windowStart = (Math.floor(now / width) - (buckets - 1)) * width;
  return at >= windowStart;
}

/**
 * The error percentage, rounded half up, 0 without requests: hystrix-go's expression (reference §2.3,
 * `int(float64(errors)/float64(requests)*100 + 0.5)`), kept exactly, floating point included.
 */
function errorPercent(requests: number, errors: number): number {
  if (requests === 0) return 0;
  return Math.trunc((errors / requests) * 100 + 0.5);
}

function isContext(event: EventName | null): boolean {
  return event === 'context_canceled' || event === 'context_deadline_exceeded';
}

/** The outcomes of a circuit inside its rolling window at `now`. */
function windowed(c: ModelCircuit, now: number): Outcome[] {
  return c.outcomes.filter((o) => inWindow(o.at, now, c.conf.rollingWindow, c.conf.rollingBuckets));
}

/** The open rule (kept from hystrix-go): the volume is reached AND the error percentage is reached. */
function unhealthy(c: ModelCircuit, now: number): boolean {
  const seen = windowed(c, now);
  const errors = seen.filter((o) => ERROR_EVENTS.has(o.event)).length;
  return (
    seen.length >= c.conf.requestVolumeThreshold &&
    errorPercent(seen.length, errors) >= c.conf.errorPercentThreshold
  );
}

/**
 * What the circuit would do with a call made now: let it through, let it through as a probe, or short-circuit
 * it. Deciding changes nothing; admission then acts on the answer.
 */
function verdict(c: ModelCircuit, now: number): 'through' | 'probe' | 'short' {
  if (c.forcedOpen) return 'short';
  if (c.forcedClosed) return 'through';
  if (c.trial !== null) {
    return c.trial.out.size + c.trial.passed < c.conf.halfOpenProbes ? 'probe' : 'short';
  }
  if (c.openSince !== null) return now > c.openSince + c.conf.sleepWindow ? 'probe' : 'short';
  return unhealthy(c, now) ? 'short' : 'through';
}

class Model {
  /** The registry's circuits by name. */
  readonly circuits = new Map<Name, ModelCircuit>();
  /** Every circuit ever made, flushed ones included, in order of creation. */
  readonly all: ModelCircuit[] = [];
  readonly calls: ModelCall[] = [];
  /** Per controller: how it was aborted, or null. */
  readonly controllers: (ReasonKind | null)[] = [];
  readonly logs: string[] = [];
  readonly timers: ModelTimer[] = [];
  private readonly lines = new Map<number, DeadlineLine>();
  /**
   * Runs whose promise has settled, in order, waiting for the microtask in which the registry learns it: an
   * already settled promise, or a cooperative run whose signal aborted.
   */
  private readonly micro: { call: ModelCall; ok: boolean }[] = [];
  private wall: number;
  private mono = 0;
  private offset = 0;
  /** The registry read the wall time once, when it was made. */
  private last: number;

  constructor(
    private readonly start: number,
    private readonly confs: Map<Name, Conf>,
    /** The registry's clock offers `monotonic()` (the ManualClock itself), else only `now()`. */
    private readonly monotonic: boolean,
  ) {
    this.wall = start;
    this.last = start;
  }

  // --- time ----------------------------------------------------------------------------------------

  /**
   * The registry reads its time. Given `monotonic()`, it follows the time timers run on, placed on the
   * calendar once: wall-clock jumps touch nothing. Given only `now()`, it reads the wall time through a view
   * that never goes back: while the wall time goes back, time stands still, then flows on from where it
   * stood (so when the registry reads matters, and the model reads when the registry does).
   */
  read(): number {
    if (this.monotonic) return this.start + this.mono;
    const t = this.wall + this.offset;
    if (t < this.last) {
      this.offset += this.last - t;
      return this.last;
    }
    this.last = t;
    return t;
  }

  /** What {@link Model.read} would return, without reading. */
  private peek(): number {
    return this.monotonic ? this.start + this.mono : Math.max(this.last, this.wall + this.offset);
  }

  /** `clock.advance(ms)`: fires due timers in order, each at its time; async: microtasks between. */
  advance(ms: number, async: boolean): void {
    const target = this.mono + ms;
    for (let t = this.timers[0]; t !== undefined && t.due <= target; t = this.timers[0]) {
      this.timers.shift();
      this.moveTo(t.due);
      this.onTimer(t.line);
      if (async) this.drain();
    }
    this.moveTo(target);
    this.drain();
  }

  /**
   * How far to advance to reach `delta` ms around a moment that matters: the end of the sleep window of a
   * circuit, the earliest deadline, or the moment the oldest outcome of a circuit leaves its window.
   */
  boundary(target: Boundary, name: Name, delta: number): number {
    const now = this.peek();
    const c = this.circuits.get(name);
    let at = now;
    if (target === 'sleep' && c !== undefined && c.openSince !== null && c.trial === null) {
      at = c.openSince + c.conf.sleepWindow;
    } else if (target === 'deadline') {
      const waiting = [...this.lines.values()].flatMap((l) => l.deadlines.filter((d) => !d.done));
      if (waiting.length > 0) at = Math.min(...waiting.map((d) => d.at));
    } else if (target === 'expiry' && c !== undefined) {
      const oldest = windowed(c, now)[0];
      if (oldest !== undefined) {
        // The first moment at which the bucket holding it is no longer among the window's buckets.
        const width = c.conf.rollingWindow / c.conf.rollingBuckets;
        at = (Math.floor(oldest.at / width) + c.conf.rollingBuckets) * width;
      }
    }
    return Math.max(0, at + delta - now);
  }

  /** `clock.jump(ms)`: the wall time only. */
  jump(ms: number): void {
    this.wall += ms;
  }

  /** Timers that keep a process alive: those armed for a line with a deadline still waiting. */
  refedTimers(): number {
    return [...this.lines.values()].filter(
      (l) => l.timer !== null && l.deadlines.some((d) => !d.done),
    ).length;
  }

  private moveTo(mono: number): void {
    if (mono <= this.mono) return;
    this.wall += mono - this.mono;
    this.mono = mono;
  }

  /** A ManualClock timer: Node's delay rules (below 1 or above the largest delay: 1 ms). */
  private setTimer(line: DeadlineLine, ms: number): ModelTimer {
    const timer: ModelTimer = { due: this.mono + (ms >= 1 && ms <= MAX_DELAY ? ms : 1), line };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    return timer;
  }

  // --- deadlines -----------------------------------------------------------------------------------

  private addDeadline(call: ModelCall | null, timeout: number, now: number): ModelDeadline {
    let line = this.lines.get(timeout);
    if (line === undefined) {
      line = { deadlines: [], timer: null, dueAt: 0 };
      this.lines.set(timeout, line);
    }
    const deadline: ModelDeadline = { call, at: now + timeout, done: false };
    line.deadlines.push(deadline);
    if (line.timer === null) this.armFor(line, deadline, now);
    return deadline;
  }

  private armFor(line: DeadlineLine, deadline: ModelDeadline, now: number): void {
    const delay = Math.max(0, deadline.at - now);
    line.dueAt = now + delay;
    line.timer = this.setTimer(line, delay);
  }

  private onTimer(line: DeadlineLine): void {
    line.timer = null;
    // The timer's delay has passed, even if the registry's time stood still meanwhile.
    const now = Math.max(this.read(), line.dueAt);
    const due = line.deadlines.filter((d) => !d.done && d.at <= now);
    line.deadlines = line.deadlines.filter((d) => !d.done && d.at > now);
    const next = line.deadlines[0];
    if (next !== undefined) this.armFor(line, next, now);
    for (const d of due) {
      d.done = true;
      if (d.call?.running === true) this.decide(d.call, 'timeout', null, this.read());
    }
  }

  // --- circuits ------------------------------------------------------------------------------------

  circuit(name: Name): ModelCircuit {
    let c = this.circuits.get(name);
    if (c === undefined) {
      c = new ModelCircuit(name, this.confs.get(name)!);
      this.circuits.set(name, c);
      this.all.push(c);
    }
    return c;
  }

  /** `allowRequest()`: whether a call made now would be let through. */
  allows(c: ModelCircuit, now: number): boolean {
    return verdict(c, now) !== 'short';
  }

  /** A call is admitted, or not: a closed circuit found unhealthy opens; the first probe starts a spell. */
  private admission(c: ModelCircuit, call: ModelCall, now: number): boolean {
    const answer = verdict(c, now);
    const judged = !c.forcedOpen && !c.forcedClosed;
    if (answer === 'short') {
      if (judged && c.own() === 'closed') this.openCircuit(c, now);
      return false;
    }
    if (answer === 'probe') {
      if (c.trial === null) {
        c.trial = { out: new Set(), passed: 0 };
        const probes = c.conf.halfOpenProbes;
        this.logs.push(
          probes === 1
            ? `hystrix: allowing single test to possibly close circuit ${c.name}`
            : `hystrix: allowing ${probes} tests to possibly close circuit ${c.name}`,
        );
      }
      c.trial.out.add(call);
      call.probeOf = c.trial;
    }
    return true;
  }

  private openCircuit(c: ModelCircuit, now: number): void {
    c.openSince = now;
    c.trial = null;
    this.logs.push(`hystrix: opening circuit ${c.name}`);
  }

  /**
   * A probe's outcome, if its spell is still the one under way: a success counts toward closing, all of them
   * close the circuit (and its window starts afresh); a caller who gave up frees the probe's place; anything
   * else opens the circuit for another sleep window, counted from now.
   */
  private probeAnswered(c: ModelCircuit, call: ModelCall, event: EventName, now: number): void {
    const trial = call.probeOf;
    if (trial === null || trial !== c.trial) return;
    trial.out.delete(call);
    if (event === 'success') {
      trial.passed++;
      if (trial.passed >= c.conf.halfOpenProbes) {
        c.openSince = null;
        c.trial = null;
        this.logs.push(`hystrix: closing circuit ${c.name}`);
        c.outcomes = [];
        c.inARow = 0;
      }
    } else if (!isContext(event)) {
      this.openCircuit(c, now);
    }
  }

  // --- calls ---------------------------------------------------------------------------------------

  call(spec: CallSpec, controller: number): void {
    const now = this.read();
    const c = this.circuit(spec.name);
    const call: ModelCall = {
      spec,
      circuit: c,
      start: now,
      controller,
      ran: false,
      holdsTicket: false,
      runPending: false,
      running: true,
      listening: false,
      probeOf: null,
      event: null,
      deadline: null,
    };
    this.calls.push(call);
    // A caller's signal already aborted decides the call at once: no admission, no ticket, no run.
    const aborted = controller < 0 ? null : this.controllers[controller]!;
    if (aborted !== null) {
      const event = aborted === 'deadline' ? 'context_deadline_exceeded' : 'context_canceled';
      this.decide(call, event, null, now);
      return;
    }
    if (!this.admission(c, call, now)) {
      this.decide(call, 'short-circuit', null, now);
      return;
    }
    if (c.out >= c.conf.maxConcurrentRequests) {
      // Every ticket held by a run that timed out and has not settled: said once an episode.
      if (c.hungRuns() >= c.conf.maxConcurrentRequests && c.hungReported !== c.hungEpisodes) {
        c.hungReported = c.hungEpisodes;
        this.logs.push(
          `hystrix: circuit ${c.name}: all ${c.conf.maxConcurrentRequests} tickets are held by runs that ` +
            'timed out and have not settled; every call is rejected until they do (does run stop when ' +
            'ctx.signal aborts?)',
        );
      }
      this.decide(call, 'rejected', null, now);
      return;
    }
    c.out++;
    c.ticketsTaken.push({ at: now, outAfter: c.out });
    c.holders.add(call);
    call.holdsTicket = true;
    call.ran = true;
    // The deadline starts before run does.
    call.deadline = this.addDeadline(call, c.conf.timeout, now);
    if (spec.plan === 'value' || spec.plan === 'throw') {
      this.runSettled(call, spec.plan === 'value');
      return;
    }
    call.listening = controller >= 0;
    if (spec.plan === 'resolved' || spec.plan === 'rejected') {
      this.micro.push({ call, ok: spec.plan === 'resolved' });
    } else {
      call.runPending = spec.plan !== 'never';
    }
  }

  /** Run's promise settled (or run returned or threw): the ticket goes back; run decides if nothing did yet. */
  runSettled(call: ModelCall, ok: boolean): void {
    const now = this.read();
    call.runPending = false;
    if (call.holdsTicket) {
      call.holdsTicket = false;
      const c = call.circuit;
      c.ticketsBack.push({ at: now });
      c.holders.delete(call);
      c.out--;
    }
    if (call.running)
      this.decide(call, ok ? 'success' : 'failure', Math.max(0, now - call.start), now);
  }

  /** The caller's controller `k` aborts. */
  abort(k: number, kind: ReasonKind): void {
    this.controllers[k] = kind;
    const event = kind === 'deadline' ? 'context_deadline_exceeded' : 'context_canceled';
    for (const call of this.calls) {
      if (call.controller === k && call.listening && call.running) {
        this.decide(call, event, null, this.read());
      }
    }
    this.drain();
  }

  /** The outcome is decided: the probe's verdict, the fallback, the figures. */
  private decide(call: ModelCall, event: EventName, runMs: number | null, now: number): void {
    const c = call.circuit;
    // An episode of hung runs starts when the first run times out while none other is hung.
    if (event === 'timeout' && call.holdsTicket && c.hungRuns() === 0) c.hungEpisodes++;
    call.running = false;
    call.event = event;
    if (call.deadline !== null) call.deadline.done = true;
    call.listening = false;
    this.probeAnswered(c, call, event, now);
    if (event !== 'success' && call.spec.fallback !== 'none') {
      // The fallback's deadline starts, and ends at once with it.
      this.addDeadline(null, FALLBACK_TIMEOUT, now).done = true;
    }
    // A cooperative run rejects as soon as its signal aborts.
    if (call.spec.plan === 'cooperative' && call.ran && (event === 'timeout' || isContext(event))) {
      this.micro.push({ call, ok: false });
    }
    if (event === 'success') c.inARow = 0;
    else if (event === 'failure' || event === 'timeout') c.inARow++;
    c.outcomes.push({
      at: now,
      event,
      fallback: event === 'success' ? 'none' : call.spec.fallback,
      runMs,
      totalMs: Math.max(0, now - call.start),
    });
  }

  /** Microtasks run: the registry learns of the runs that settled. */
  drain(): void {
    for (const { call, ok } of this.micro.splice(0)) this.runSettled(call, ok);
  }

  // --- the registry --------------------------------------------------------------------------------

  /** New settings apply to the next call; a new window shape starts the circuit's figures afresh. */
  configure(name: Name, conf: Conf): void {
    this.confs.set(name, conf);
    const c = this.circuits.get(name);
    if (c === undefined) return;
    if (
      conf.rollingWindow !== c.conf.rollingWindow ||
      conf.rollingBuckets !== c.conf.rollingBuckets
    ) {
      c.outcomes = [];
      c.ticketsBack = [];
      c.ticketsTaken = [];
    }
    c.conf = conf;
  }

  /** `flush()`: every circuit's figures are reset and the registry forgets its circuits. */
  flush(): void {
    for (const c of this.circuits.values()) {
      c.outcomes = [];
      c.ticketsBack = [];
      c.ticketsTaken = [];
      c.inARow = 0;
    }
    this.circuits.clear();
  }
}

// -------------------------------------------------------------------------------------------------
// The real registry, and what the test sees of each call
// -------------------------------------------------------------------------------------------------

interface RealCall {
  settles: number;
  rejected: boolean;
  value: unknown;
  runCalls: number;
  ctx: RunContext | null;
  /** `ctx.signal`, once read. */
  signal: AbortSignal | null;
  deferred: Deferred<unknown> | null;
  fallbackCalls: number;
  fallbackArg: unknown;
  readonly runValue: string;
  readonly runError: Error;
  readonly fallbackValue: string;
  readonly fallbackError: Error;
}

interface Real {
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
  reader: CircuitBreaker;
  /** Every circuit seen, flushed ones included, in order of creation. */
  seen: CircuitBreaker[];
  calls: RealCall[];
  controllers: AbortController[];
}

function startCall(r: Real, spec: CallSpec, controller: number): void {
  const id = r.calls.length;
  const rc: RealCall = {
    settles: 0,
    rejected: false,
    value: undefined,
    runCalls: 0,
    ctx: null,
    signal: null,
    deferred: null,
    fallbackCalls: 0,
    fallbackArg: undefined,
    runValue: `value ${id}`,
    runError: new Error(`run ${id} failed`),
    fallbackValue: `fallback ${id}`,
    fallbackError: new Error(`fallback ${id} failed`),
  };
  r.calls.push(rc);
  const run = (ctx: RunContext): unknown => {
    rc.runCalls++;
    rc.ctx = ctx;
    if (spec.readSignal || spec.plan === 'cooperative') rc.signal = ctx.signal;
    switch (spec.plan) {
      case 'value':
        return rc.runValue;
      case 'throw':
        throw rc.runError;
      case 'resolved':
        return Promise.resolve(rc.runValue);
      case 'rejected':
        return Promise.reject(rc.runError);
      case 'never':
        return never();
      default: {
        const d = deferred();
        rc.deferred = d;
        if (spec.plan === 'cooperative') {
          const signal = ctx.signal;
          signal.addEventListener('abort', () => d.reject(signal.reason), { once: true });
        }
        return d.promise;
      }
    }
  };
  const fallback =
    spec.fallback === 'none'
      ? undefined
      : (error: unknown): unknown => {
          rc.fallbackCalls++;
          rc.fallbackArg = error;
          if (spec.fallback === 'throw') throw rc.fallbackError;
          return rc.fallbackValue;
        };
  const signal = controller < 0 ? undefined : r.controllers[controller]!.signal;
  let promise: Promise<unknown>;
  if (signal !== undefined && spec.mode === 'doC') {
    promise = r.h.doC(signal, spec.name, run, fallback);
  } else if (signal !== undefined && spec.mode === 'goC') {
    promise = r.h.goC(signal, spec.name, run, fallback);
  } else if (spec.mode === 'do' || spec.mode === 'doC') {
    promise = r.h.do(spec.name, run, fallback, signal === undefined ? undefined : { signal });
  } else {
    promise = r.h.go(spec.name, run, fallback, signal === undefined ? undefined : { signal });
  }
  promise.then(
    (value: unknown) => {
      rc.settles++;
      rc.value = value;
    },
    (error: unknown) => {
      rc.settles++;
      rc.rejected = true;
      rc.value = error;
    },
  );
}

// -------------------------------------------------------------------------------------------------
// The check: the registry against the model
// -------------------------------------------------------------------------------------------------

interface Latency {
  count: number;
  mean: number;
  p0: number;
  p100: number;
}

/** The figures of `stats()` the model predicts: all but the latency percentiles between p0 and p100. */
type Figures = Omit<CircuitStats, 'runLatency' | 'totalLatency'> & {
  runLatency: Latency;
  totalLatency: Latency;
};

function latencyOf(values: number[]): Latency {
  if (values.length === 0) return { count: 0, mean: 0, p0: 0, p100: 0 };
  return {
    count: values.length,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p0: Math.min(...values),
    p100: Math.max(...values),
  };
}

function latencyRead(l: LatencyStats): Latency {
  return { count: l.count, mean: l.mean, p0: l.p0, p100: l.p100 };
}

function expectedFigures(c: ModelCircuit, now: number): Figures {
  const { rollingWindow, rollingBuckets } = c.conf;
  const recs = windowed(c, now);
  const count = (event: EventName): number => recs.filter((r) => r.event === event).length;
  const requests = recs.length;
  const errors = recs.filter((r) => ERROR_EVENTS.has(r.event)).length;
  const latency = c.outcomes.filter((r) => inWindow(r.at, now, LATENCY_WINDOW, LATENCY_BUCKETS));
  const releases = c.ticketsBack.filter((r) => inWindow(r.at, now, rollingWindow, rollingBuckets));
  const takes = c.ticketsTaken.filter((t) => inWindow(t.at, now, rollingWindow, rollingBuckets));
  const state = c.forcedOpen ? 'open' : c.forcedClosed ? 'closed' : c.own();
  return {
    name: c.name,
    state,
    isOpen: c.forcedOpen || (!c.forcedClosed && c.own() !== 'closed'),
    forcedOpen: c.forcedOpen,
    forcedClosed: c.forcedClosed,
    requests,
    errors,
    errorPercent: errorPercent(requests, errors),
    successes: count('success'),
    failures: count('failure'),
    rejects: count('rejected'),
    shortCircuits: count('short-circuit'),
    timeouts: count('timeout'),
    fallbackSuccesses: recs.filter((r) => r.fallback === 'value').length,
    fallbackFailures: recs.filter((r) => r.fallback === 'throw').length,
    contextCanceled: count('context_canceled'),
    contextDeadlineExceeded: count('context_deadline_exceeded'),
    // The model's commands have no policies: nothing is a bad request, rate-limited, slow or queued.
    badRequests: 0,
    rateLimited: 0,
    slowCalls: 0,
    retries: 0,
    hedges: 0,
    hedgeWins: 0,
    consecutiveFailures: c.inARow,
    queueSize: 0,
    runLatency: latencyOf(latency.flatMap((r) => (r.runMs === null ? [] : [r.runMs]))),
    totalLatency: latencyOf(latency.map((r) => r.totalMs)),
    activeCount: c.out,
    hungRuns: c.hungRuns(),
    maxActiveRequests: takes.reduce((max, t) => Math.max(max, t.outAfter), 0),
    executed: releases.length,
    maxConcurrentRequests: c.conf.maxConcurrentRequests,
    // No fleet is joined in the model.
    fleet: null,
    // Nor has any command an adaptive limit.
    adaptive: null,
  };
}

function observedFigures(s: CircuitStats): Figures {
  return { ...s, runLatency: latencyRead(s.runLatency), totalLatency: latencyRead(s.totalLatency) };
}

function checkCircuit(m: Model, c: ModelCircuit, real: CircuitBreaker, now: number): void {
  const where = `circuit ${c.name}${m.circuits.get(c.name) === c ? '' : ' (flushed)'}`;
  const before = real.stats();
  expect(observedFigures(before), `${where}: stats()`).toEqual(expectedFigures(c, now));
  expect(real.state, `${where}: state`).toBe(before.state);
  expect(real.isOpen(), `${where}: isOpen()`).toBe(before.isOpen);
  const allows = m.allows(c, now);
  // Twice: a first reading must not change the second (no probe used up, no circuit opened).
  expect([real.allowRequest(), real.allowRequest()], `${where}: allowRequest()`).toEqual([
    allows,
    allows,
  ]);
  expect(real.state, `${where}: state after allowRequest()`).toBe(before.state);
  expect(real.stats(), `${where}: stats() after allowRequest()`).toEqual(before);
}

/** `error` is what triggered the fallback (or what the caller got without one). */
function expectTrigger(
  where: string,
  error: unknown,
  call: ModelCall,
  rc: RealCall,
  r: Real,
): void {
  const what = `${where}: the error (${String(call.event)})`;
  switch (call.event) {
    case 'failure':
      expect(error, what).toBe(rc.runError);
      break;
    case 'rejected':
      expect(error, what).toBeCircuitError(ErrMaxConcurrency, call.spec.name);
      break;
    case 'short-circuit':
      expect(error, what).toBeCircuitError(ErrCircuitOpen, call.spec.name);
      break;
    case 'timeout':
      expect(error, what).toBeCircuitError(ErrTimeout, call.spec.name);
      break;
    default:
      expect(error, what).toBeInstanceOf(ContextError);
      expect((error as ContextError).code, what).toBe(call.event);
      expect((error as ContextError).cause, what).toBe(
        r.controllers[call.controller]!.signal.reason,
      );
  }
}

function checkCall(i: number, call: ModelCall, rc: RealCall, r: Real): void {
  const where = `call ${i} (${JSON.stringify(call.spec)})`;
  const event = call.event;
  expect(rc.runCalls, `${where}: run called`).toBe(call.ran ? 1 : 0);
  expect(rc.settles, `${where}: settled (model: ${String(event)})`).toBe(event === null ? 0 : 1);
  const fellBack = event !== null && event !== 'success' && call.spec.fallback !== 'none';
  expect(rc.fallbackCalls, `${where}: fallback called`).toBe(fellBack ? 1 : 0);
  if (call.ran) {
    const ctx = rc.ctx!;
    expect(ctx.name, `${where}: ctx.name`).toBe(call.spec.name);
    // Reading the signal before the end would take the path of a run that reads it: only when run did.
    const signal = rc.signal ?? (event === null ? null : ctx.signal);
    if (signal !== null) {
      const aborted = event === 'timeout' || isContext(event);
      expect(signal.aborted, `${where}: run's signal aborted`).toBe(aborted);
      if (event === 'timeout') {
        expect(signal.reason, `${where}: run's signal reason`).toBeCircuitError(
          ErrTimeout,
          call.spec.name,
        );
      } else if (aborted) {
        expect(signal.reason, `${where}: run's signal reason`).toBe(
          r.controllers[call.controller]!.signal.reason,
        );
      }
    }
  }
  if (event === null) return;
  const go = call.spec.mode === 'go' || call.spec.mode === 'goC';
  if (event === 'success') {
    expect({ rejected: rc.rejected, value: rc.value }, `${where}: result`).toEqual({
      rejected: false,
      value: go ? undefined : rc.runValue,
    });
    return;
  }
  switch (call.spec.fallback) {
    case 'none':
      expect(rc.rejected, `${where}: rejected`).toBe(!go);
      expectTrigger(where, rc.value, call, rc, r);
      break;
    case 'value':
      expectTrigger(where, rc.fallbackArg, call, rc, r);
      expect({ rejected: rc.rejected, value: rc.value }, `${where}: result`).toEqual({
        rejected: false,
        value: go ? undefined : rc.fallbackValue,
      });
      break;
    case 'throw': {
      expectTrigger(where, rc.fallbackArg, call, rc, r);
      expect(rc.rejected, `${where}: rejected`).toBe(!go);
      expect(rc.value, `${where}: error`).toBeInstanceOf(FallbackError);
      const error = rc.value as FallbackError;
      expect(error.cause, `${where}: FallbackError.cause`).toBe(rc.fallbackError);
      expect(error.runError, `${where}: FallbackError.runError`).toBe(rc.fallbackArg);
    }
  }
}

function check(m: Model, r: Real): void {
  // The check reads the registry's clock (through a circuit of its own), as every reading of a circuit does.
  r.reader.stats();
  const now = m.read();
  expect(r.clock.pendingTimers(), 'timers armed').toBe(m.timers.length);
  expect(r.clock.refedTimers(), 'timers keeping the process alive').toBe(m.refedTimers());
  expect(r.logs, 'log lines').toEqual(m.logs);
  const circuits = r.h.getCircuits().filter((c) => c.name !== READER);
  expect(circuits.map((c) => c.name).sort(), 'circuits').toEqual([...m.circuits.keys()].sort());
  for (const c of circuits) if (!r.seen.includes(c)) r.seen.push(c);
  // Flushed circuits too: their metrics were reset, and calls in flight still end on them.
  expect(
    r.seen.map((c) => c.name),
    'circuits ever made',
  ).toEqual(m.all.map((c) => c.name));
  m.all.forEach((c, i) => checkCircuit(m, c, r.seen[i]!, now));
  m.calls.forEach((call, i) => checkCall(i, call, r.calls[i]!, r));
}

// -------------------------------------------------------------------------------------------------
// Commands
// -------------------------------------------------------------------------------------------------

type Cmd = fc.AsyncCommand<Model, Real>;

abstract class Step implements Cmd {
  check(): boolean {
    return true;
  }

  async run(m: Model, r: Real): Promise<void> {
    await this.apply(m, r);
    await flushPromises();
    check(m, r);
  }

  abstract apply(m: Model, r: Real): void | Promise<void>;
  abstract toString(): string;
}

class CallStep extends Step {
  constructor(
    readonly spec: CallSpec,
    readonly times: number,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    // One after the other in one tick: a run that returned a settled promise has not ended yet.
    for (let i = 0; i < this.times; i++) this.once(m, r);
    m.drain();
  }

  private once(m: Model, r: Real): void {
    const pick = this.spec.signal;
    let controller = -1;
    if (pick === 'new' || (typeof pick === 'number' && m.controllers.length === 0)) {
      controller = m.controllers.length;
      m.controllers.push(null);
      r.controllers.push(new AbortController());
    } else if (typeof pick === 'number') {
      controller = pick % m.controllers.length;
    }
    m.call(this.spec, controller);
    startCall(r, this.spec, controller);
  }

  toString(): string {
    return `call(${JSON.stringify(this.spec)})${this.times > 1 ? ` x${this.times}` : ''}`;
  }
}

class SettleStep extends Step {
  constructor(readonly pick: number) {
    super();
  }

  apply(m: Model, r: Real): void {
    const pending = m.calls.map((c, i) => [c, i] as const).filter(([c]) => c.runPending);
    const chosen = pending[this.pick % Math.max(1, pending.length)];
    if (chosen === undefined) return;
    const [call, i] = chosen;
    const ok = call.spec.plan !== 'later-fail';
    m.runSettled(call, ok);
    const rc = r.calls[i]!;
    if (ok) rc.deferred!.resolve(rc.runValue);
    else rc.deferred!.reject(rc.runError);
  }

  toString(): string {
    return `settle(${this.pick})`;
  }
}

class AbortStep extends Step {
  constructor(
    readonly pick: number,
    readonly kind: ReasonKind,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    const live = m.controllers.map((k, i) => [k, i] as const).filter(([k]) => k === null);
    const chosen = live[this.pick % Math.max(1, live.length)];
    if (chosen === undefined) return;
    const k = chosen[1];
    m.abort(k, this.kind);
    const controller = r.controllers[k]!;
    if (this.kind === 'default') controller.abort();
    else if (this.kind === 'cancel') controller.abort(new Error(`caller ${k} gave up`));
    else controller.abort(new DOMException(`caller ${k} deadline`, 'TimeoutError'));
  }

  toString(): string {
    return `abort(${this.pick}, ${this.kind})`;
  }
}

class AdvanceStep extends Step {
  constructor(
    readonly ms: number,
    readonly async: boolean,
  ) {
    super();
  }

  async apply(m: Model, r: Real): Promise<void> {
    m.advance(this.ms, this.async);
    if (this.async) await r.clock.advanceAsync(this.ms);
    else r.clock.advance(this.ms);
  }

  toString(): string {
    return `${this.async ? 'advanceAsync' : 'advance'}(${this.ms})`;
  }
}

class BoundaryStep extends Step {
  constructor(
    readonly target: Boundary,
    readonly name: Name,
    readonly delta: number,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    const ms = m.boundary(this.target, this.name, this.delta);
    m.advance(ms, false);
    r.clock.advance(ms);
  }

  toString(): string {
    return `advanceTo(${this.target} of ${this.name} ${this.delta >= 0 ? '+' : ''}${this.delta})`;
  }
}

class JumpStep extends Step {
  constructor(
    readonly ms: number,
    readonly thenAdvance: number,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    m.jump(this.ms);
    r.clock.jump(this.ms);
    // Time passing right after the jump, before anything reads the clock from outside.
    if (this.thenAdvance > 0) {
      m.advance(this.thenAdvance, false);
      r.clock.advance(this.thenAdvance);
    }
  }

  toString(): string {
    return `jump(${this.ms})${this.thenAdvance > 0 ? `+advance(${this.thenAdvance})` : ''}`;
  }
}

class ConfigureStep extends Step {
  constructor(
    readonly name: Name,
    readonly conf: Conf,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    m.configure(this.name, this.conf);
    r.h.configureCommand(this.name, { ...this.conf });
  }

  toString(): string {
    return `configure(${this.name}, ${JSON.stringify(this.conf)})`;
  }
}

class ForceStep extends Step {
  constructor(
    readonly name: Name,
    readonly which: 'open' | 'closed',
    readonly on: boolean,
  ) {
    super();
  }

  apply(m: Model, r: Real): void {
    const c = m.circuit(this.name);
    const { circuit } = r.h.getCircuit(this.name);
    if (this.which === 'open') {
      c.forcedOpen = this.on;
      circuit.forceOpen(this.on);
    } else {
      c.forcedClosed = this.on;
      circuit.forceClosed(this.on);
    }
  }

  toString(): string {
    return `force${this.which === 'open' ? 'Open' : 'Closed'}(${this.name}, ${this.on})`;
  }
}

class FlushStep extends Step {
  apply(m: Model, r: Real): void {
    m.flush();
    r.h.flush();
  }

  toString(): string {
    return 'flush()';
  }
}

// -------------------------------------------------------------------------------------------------
// Arbitraries
// -------------------------------------------------------------------------------------------------

type Profile = 'mixed' | 'circuit';

function planArb(profile: Profile): fc.Arbitrary<Plan> {
  const mixed = profile === 'mixed';
  return fc.oneof(
    { weight: mixed ? 3 : 2, arbitrary: fc.constant<Plan>('value') },
    { weight: 3, arbitrary: fc.constant<Plan>('throw') },
    { weight: 1, arbitrary: fc.constant<Plan>('resolved') },
    { weight: 1, arbitrary: fc.constant<Plan>('rejected') },
    { weight: mixed ? 3 : 5, arbitrary: fc.constant<Plan>('later-ok') },
    { weight: 3, arbitrary: fc.constant<Plan>('later-fail') },
    { weight: 2, arbitrary: fc.constant<Plan>('cooperative') },
    { weight: 1, arbitrary: fc.constant<Plan>('never') },
  );
}

/** Settings: `circuit` favours circuits that open easily, room for probes and runs that outlast a sleep. */
function confArb(profile: Profile): fc.Arbitrary<Conf> {
  const mixed = profile === 'mixed';
  return fc
    .record({
      timeout: mixed
        ? fc.oneof(fc.constantFrom(10, 100, 1000), fc.integer({ min: 1, max: 3000 }))
        : fc.integer({ min: 20, max: 3000 }),
      maxConcurrentRequests: fc.integer({ min: mixed ? 1 : 2, max: 4 }),
      requestVolumeThreshold: fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
        { weight: mixed ? 1 : 0, arbitrary: fc.integer({ min: 1, max: 8 }) },
      ),
      errorPercentThreshold: fc.oneof(
        fc.integer({ min: 1, max: mixed ? 100 : 60 }),
        fc.constantFrom(1, 25, 50, 100),
      ),
      sleepWindow: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: mixed ? 100 : 20 }) },
        { weight: mixed ? 1 : 0, arbitrary: fc.integer({ min: 1, max: 20_000 }) },
      ),
      halfOpenProbes: fc.oneof(
        { weight: mixed ? 2 : 1, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
      window: fc.constantFrom<[number, number]>(
        [10_000, 10],
        [1_000, 10],
        [100, 1],
        [3_000, 3],
        [60_000, 6],
      ),
    })
    .map(({ window: [rollingWindow, rollingBuckets], ...rest }) => ({
      ...rest,
      rollingWindow,
      rollingBuckets,
    }));
}

const advanceMs = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 999 }))
      .map(([h, ms]) => h * HOUR + ms),
  },
);

const jumpMs = fc.oneof(
  fc.integer({ min: -2_000, max: 2_000 }),
  fc
    .tuple(fc.integer({ min: -48, max: 48 }), fc.integer({ min: -999, max: 999 }))
    .map(([h, ms]) => h * HOUR + ms),
);

/**
 * The commands. `mixed`: everything, on both names. `circuit`: one name, no flush or clock jumps, more
 * settlements, aborts and landings on the end of the sleep window: dense in half-open episodes.
 */
function stepArb(profile: Profile): fc.Arbitrary<Cmd> {
  const mixed = profile === 'mixed';
  const nameArb: fc.Arbitrary<Name> = mixed
    ? fc.oneof(
        { weight: 4, arbitrary: fc.constant<Name>('inventory') },
        { weight: 1, arbitrary: fc.constant<Name>('payments') },
      )
    : fc.constant<Name>('inventory');
  const callArb = fc
    .record({
      name: nameArb,
      mode: fc.constantFrom<Mode>('do', 'go', 'doC', 'goC'),
      plan: planArb(profile),
      fallback: fc.constantFrom<FallbackKind>('none', 'value', 'throw'),
      signal: fc.oneof(
        { weight: 2, arbitrary: fc.constant<SignalPick>('none') },
        { weight: 2, arbitrary: fc.constant<SignalPick>('new') },
        { weight: 2, arbitrary: fc.nat(20) },
      ),
      readSignal: fc.boolean(),
    })
    .chain((spec) =>
      fc
        .oneof(
          { weight: 3, arbitrary: fc.constant(1) },
          { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
        )
        .map((times) => new CallStep(spec, times)),
    );
  return fc.oneof(
    { weight: 20, arbitrary: callArb },
    { weight: mixed ? 8 : 12, arbitrary: fc.nat().map((pick) => new SettleStep(pick)) },
    {
      weight: mixed ? 4 : 6,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom<ReasonKind>('cancel', 'deadline', 'default'))
        .map(([pick, kind]) => new AbortStep(pick, kind)),
    },
    {
      weight: mixed ? 10 : 4,
      arbitrary: fc
        .tuple(mixed ? advanceMs : fc.integer({ min: 0, max: 50 }), fc.boolean())
        .map(([ms, a]) => new AdvanceStep(ms, a)),
    },
    {
      weight: mixed ? 4 : 10,
      arbitrary: fc
        .tuple(
          mixed ? fc.constantFrom<Boundary>('sleep', 'deadline', 'expiry') : fc.constant('sleep'),
          nameArb,
          fc.integer({ min: -1, max: 1 }),
        )
        .map(([target, name, delta]) => new BoundaryStep(target, name, delta)),
    },
    {
      weight: mixed ? 2 : 0,
      arbitrary: fc
        .tuple(jumpMs, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })))
        .map(([ms, then]) => new JumpStep(ms, then)),
    },
    {
      weight: mixed ? 2 : 1,
      arbitrary: fc
        .tuple(nameArb, confArb(profile))
        .map(([name, conf]) => new ConfigureStep(name, conf)),
    },
    {
      weight: mixed ? 2 : 1,
      arbitrary: fc
        .tuple(nameArb, fc.constantFrom<'open' | 'closed'>('open', 'closed'), fc.boolean())
        .map(([name, which, on]) => new ForceStep(name, which, on)),
    },
    { weight: mixed ? 1 : 0, arbitrary: fc.constant(new FlushStep()) },
  );
}

function setup(
  start: number,
  confs: [Conf, Conf],
  monotonic: boolean,
): { model: Model; real: Real } {
  const clock = new ManualClock(start);
  // Without monotonic(), the registry can only read the wall time, which jumps.
  const wallOnly: Clock = {
    now: () => clock.now(),
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (timer) => clock.clearTimeout(timer),
  };
  const logger = recordingLogger();
  const logs = logger.lines;
  const h = new Hystrix({ clock: monotonic ? clock : wallOnly, logger });
  const byName = new Map<Name, Conf>();
  NAMES.forEach((name, i) => {
    byName.set(name, confs[i]!);
    h.configureCommand(name, { ...confs[i]! });
  });
  const reader = h.getCircuit(READER).circuit;
  return {
    model: new Model(start, byName, monotonic),
    real: { h, clock, logs, reader, seen: [], calls: [], controllers: [] },
  };
}

// -------------------------------------------------------------------------------------------------
// Tests
// -------------------------------------------------------------------------------------------------

async function modelRuns(profile: Profile, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 1_000_000 }),
      confArb(profile),
      confArb(profile),
      fc.boolean(),
      fc.commands([stepArb(profile)], { maxCommands: 60, size: 'max' }),
      async (offset, c0, c1, monotonic, steps) => {
        await fc.asyncModelRun(() => setup(START + offset, [c0, c1], monotonic), steps);
      },
    ),
    { numRuns },
  );
}

// About 5 s each on one core; the limit leaves room for a loaded machine.
const LIMIT = 60_000;

test(
  'a registry on a ManualClock behaves as the reference model',
  async () => {
    await modelRuns('mixed', 250);
  },
  LIMIT,
);

test(
  'a circuit goes through closed, open and half-open as the reference model',
  async () => {
    await modelRuns('circuit', 300);
  },
  LIMIT,
);
