import type { FleetStats } from 'hystrix-ts';
import {
  type CircuitFleet,
  errorPercent,
  type FleetCircuit,
  SharedWindow,
  TokenBucket,
} from 'hystrix-ts/internal';
import { type CommandKeys, commandKeys } from './keys.js';
import { LeasedTokens } from './leased-tokens.js';
import type { SyncReply } from './reply.js';

/** What the command's state did here since the last sync, for the fleet to hear. */
const NO_INTENT = 0;
const OPENED = 1;
const PROBE_CLOSED = 2;
const PROBE_REOPENED = 3;
type Intent = typeof NO_INTENT | typeof OPENED | typeof PROBE_CLOSED | typeof PROBE_REOPENED;

/** What a link needs of its fleet. */
export interface LinkOwner {
  readonly name: string;
  readonly prefix: string;
  readonly syncInterval: number;
  /** Live instances at the last heartbeat (1 before the first). */
  readonly instances: number;
  /** A state changed here: sync soon. */
  syncSoon(): void;
}

/** One sync's request for a command, kept until its reply. */
export interface SyncRequest {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
  /** The most tickets that may be granted. */
  readonly ticketLimit: number;
  /** The most tokens that may be granted. */
  readonly tokensWanted: number;
  /** Tokens held when the request was made, given back by it. */
  readonly tokensBack: number;
  /** Whether the request renews the tokens (once an interval): otherwise the lease held is kept. */
  readonly renewTokens: boolean;
  /** Counts sent: they leave the pending counts once sent. */
  readonly intent: Intent;
}

/**
 * @internal The link between one circuit and its fleet: it counts what the circuit records (through the shared
 * window), sends it at each sync with what the circuit's state did, and applies what the fleet answers: the
 * fleet's window, its state, the probe and this process's shares of the fleet's limits.
 */
export class CommandLink implements CircuitFleet {
  readonly window = new SharedWindow();
  readonly keys: CommandKeys;
  private probing = false;
  /**
   * The circuit decides alone: the fleet cannot be reached, or has not answered for this command yet, or its
   * answer was refused.
   */
  local = true;
  private generation = 0;
  private intent: Intent = NO_INTENT;
  /** Whether the circuit was half-open when last seen: how it left that state is told to the fleet. */
  private lastProbing: boolean;
  private tickets = -1;
  private leased: LeasedTokens | null = null;
  /** When the tokens were last leased: they are renewed once an interval, however often the command syncs. */
  private tokensLeasedAt = -Infinity;
  private localLimiter: TokenBucket | null = null;
  /** Forced fleet-wide, as last applied here. */
  private forced: 0 | 1 | 2 = 0;

  constructor(
    readonly circuit: FleetCircuit,
    private readonly owner: LinkOwner,
  ) {
    this.keys = commandKeys(owner.prefix, owner.name, circuit.name);
    const state = circuit.fleetState();
    this.lastProbing = state.probing;
  }

  /** {@inheritDoc CircuitFleet.mayProbe} */
  mayProbe(): boolean {
    return this.local || this.probing;
  }

  /** {@inheritDoc CircuitFleet.changed} */
  changed(): void {
    const state = this.circuit.fleetState();
    if (state.openedAt > 0) {
      this.intent = this.lastProbing ? PROBE_REOPENED : OPENED;
    } else if (!state.probing && this.lastProbing) {
      this.intent = PROBE_CLOSED;
    }
    this.lastProbing = state.probing;
    this.owner.syncSoon();
  }

  /** Idle this sync: the fleet's figures, old by now, are dropped, so that they cannot trip the next call. */
  idle(): void {
    const w = this.window;
    w.requests = w.errors = w.slow = 0;
  }

  /** {@inheritDoc CircuitFleet.stats} */
  stats(): FleetStats {
    const w = this.window;
    const local = this.local;
    const requests = local ? 0 : w.requests + w.pendingRequests;
    const errors = local ? 0 : w.errors + w.pendingErrors;
    const settings = this.circuit.circuitSettings;
    return {
      fleet: this.owner.name,
      localMode: local,
      instances: this.owner.instances,
      requests,
      errors,
      errorPercent: errorPercent(requests, errors),
      probing: this.probing && !local,
      maxConcurrentRequests: settings.fleetMaxConcurrentRequests,
      leasedConcurrentRequests: this.tickets < 0 ? 0 : this.tickets,
      maxRequestsPerSecond: settings.fleetMaxRequestsPerSecond,
      leasedTokens: this.leased === null ? 0 : Math.floor(this.leased.tokens),
    };
  }

  /**
   * Whether the command needs this sync: it had calls in its window, its state is not plain closed, or it has a
   * fleet limit to lease. An idle command costs Redis nothing.
   */
  active(now: number): boolean {
    const circuit = this.circuit;
    const w = this.window;
    if (w.pendingRequests > 0 || this.intent !== NO_INTENT || this.probing) return true;
    const settings = circuit.circuitSettings;
    if (settings.fleetMaxConcurrentRequests > 0 || settings.fleetMaxRequestsPerSecond > 0)
      return true;
    const state = circuit.fleetState();
    if (state.openedAt > 0 || state.probing) return true;
    return circuit.metricCollector.requestsAt(now) > 0;
  }

  /** The request of this sync: the counts and intent since the last one leave the link with it. */
  request(instance: string, now: number): SyncRequest {
    const circuit = this.circuit;
    const settings = circuit.circuitSettings;
    const w = this.window;
    const state = circuit.fleetState();
    // Calls while open are short-circuits, counted as requests: this process has traffic to probe with.
    const wantsProbe = state.probing || (state.openedAt > 0 && w.pendingRequests > 0);
    const bucketMs = settings.rollingWindow / settings.rollingBuckets;
    const interval = this.owner.syncInterval;
    const leaseTtl = interval * 3;
    const limit = settings.fleetMaxConcurrentRequests;
    const pool = circuit.pool;
    // Twice the recent peak, so that a busy process's share grows quickly. A process that has not called the
    // command lately holds one ticket for its next call, or none when the fleet has more processes than the
    // limit has tickets, so that idle processes never starve busy ones.
    const queued = circuit.waiters?.size() ?? 0;
    const busy = pool.activeCount > 0 || queued > 0 || circuit.metricCollector.requestsAt(now) > 0;
    const ticketsWanted =
      limit === 0
        ? 0
        : busy
          ? Math.min(
              limit,
              settings.maxConcurrentRequests,
              Math.max(1, pool.maxActiveRequests() * 2, pool.activeCount + 1) + queued,
            )
          : this.owner.instances <= limit
            ? 1
            : 0;
    const fleetRate = settings.fleetMaxRequestsPerSecond;
    const leased = this.leased;
    const capacity = Math.max(1, Math.ceil((fleetRate * interval) / 1000));
    // A sync sooner than an interval after the last lease (a state change asks for one) keeps the lease: giving
    // tokens back and asking again at once would hand them to the others' wants and starve this process.
    const renewTokens =
      fleetRate > 0 && (leased === null || now - this.tokensLeasedAt >= interval * 0.9);
    const rate = renewTokens ? fleetRate : 0;
    const tokensWanted =
      rate > 0 ? Math.min(capacity, Math.max(1, Math.ceil((leased?.asked ?? 0) * 1.5))) : 0;
    if (leased !== null && renewTokens) leased.asked = 0;
    const tokensBack = leased === null || !renewTokens ? 0 : Math.floor(leased.tokens);
    if (renewTokens) this.tokensLeasedAt = now;
    const k = this.keys;
    const intent = this.intent;
    const args = [
      instance,
      Math.floor(now),
      bucketMs,
      settings.rollingBuckets,
      this.generation,
      intent,
      Math.floor(state.openedAt),
      w.pendingRequests,
      w.pendingErrors,
      w.pendingSlow,
      settings.sleepWindow,
      wantsProbe ? 1 : 0,
      settings.timeout + interval * 2,
      limit,
      ticketsWanted,
      pool.activeCount,
      leaseTtl,
      rate,
      tokensWanted,
      tokensBack,
      capacity,
      k.windowBase,
      settings.rollingWindow * 2 + settings.sleepWindow + leaseTtl,
    ];
    // Counts sent are the fleet's now: at most once, so that a sync lost in a Redis fault never counts twice.
    w.pendingRequests = w.pendingErrors = w.pendingSlow = 0;
    this.intent = NO_INTENT;
    return {
      keys: [k.state, k.probe, k.tickets, k.bucket, k.wants],
      args,
      ticketLimit: limit,
      tokensWanted,
      tokensBack,
      renewTokens,
      intent,
    };
  }

  /** Applies the fleet's answer to `request` at `now`. */
  apply(reply: SyncReply, request: SyncRequest, now: number): void {
    const w = this.window;
    const generationChanged = reply.generation !== this.generation;
    this.generation = reply.generation;
    this.probing = reply.probing;
    w.requests = reply.requests;
    w.errors = reply.errors;
    w.slow = reply.slow;
    w.joined = true;
    this.local = false;
    // A change made here since the request was sent is told at the next sync, before the fleet's state is taken.
    if (this.intent === NO_INTENT) this.adoptState(reply, generationChanged, now);
    this.applyForced(reply.forced);
    this.applyLeases(reply, request);
  }

  private adoptState(reply: SyncReply, generationChanged: boolean, now: number): void {
    const circuit = this.circuit;
    const state = circuit.fleetState();
    if (reply.openedAt > 0) {
      if (state.probing && reply.probing) return;
      if (state.openedAt !== reply.openedAt) circuit.adoptOpen(reply.openedAt, now);
    } else if (state.openedAt > 0 || state.probing || generationChanged) {
      if (state.openedAt > 0 || state.probing) circuit.adoptClosed(now);
    }
    this.lastProbing = circuit.fleetState().probing;
  }

  private applyForced(forced: 0 | 1 | 2): void {
    if (forced === this.forced) return;
    const circuit = this.circuit;
    if (this.forced === 1) circuit.forceOpen(false);
    if (this.forced === 2) circuit.forceClosed(false);
    if (forced === 1) circuit.forceOpen(true);
    if (forced === 2) circuit.forceClosed(true);
    this.forced = forced;
  }

  private applyLeases(reply: SyncReply, request: SyncRequest): void {
    const circuit = this.circuit;
    this.tickets = reply.tickets;
    let limiter: LeasedTokens | null = null;
    if (!request.renewTokens && circuit.circuitSettings.fleetMaxRequestsPerSecond > 0) {
      limiter = this.leased;
    } else if (reply.tokens >= 0) {
      limiter = this.leased ??= new LeasedTokens();
      // Tokens spent while the request was under way came out of those given back: the grant pays for them.
      const spent = Math.max(0, request.tokensBack - Math.floor(limiter.tokens));
      limiter.tokens = Math.max(0, reply.tokens - spent);
    } else {
      this.leased = null;
    }
    this.localLimiter = null;
    circuit.setFleetLimits(reply.tickets, limiter);
  }

  /**
   * The fleet cannot be reached: the circuit decides alone, from its own window, and each fleet limit is shared
   * out by the last known number of processes.
   */
  enterLocalMode(now: number): void {
    this.local = true;
    this.window.joined = false;
    this.probing = false;
    const settings = this.circuit.circuitSettings;
    const instances = Math.max(1, this.owner.instances);
    const limit = settings.fleetMaxConcurrentRequests;
    const rate = settings.fleetMaxRequestsPerSecond;
    const tickets = limit > 0 ? Math.max(1, Math.floor(limit / instances)) : -1;
    let limiter: TokenBucket | null = null;
    if (rate > 0) {
      const share = rate / instances;
      limiter = this.localLimiter ?? new TokenBucket(share, Math.max(1, Math.ceil(share)), now);
      this.localLimiter = limiter;
    }
    this.tickets = tickets;
    this.leased = null;
    this.circuit.setFleetLimits(tickets, limiter);
  }

  /**
   * Joined, before the fleet's first answer for this command: a fleet limit grants nothing yet, so that the
   * fleet never exceeds it (a queue, when the command has one, holds the calls for that round trip).
   */
  awaitFirstAnswer(): void {
    const settings = this.circuit.circuitSettings;
    const tickets = settings.fleetMaxConcurrentRequests > 0 ? 0 : -1;
    const limiter =
      settings.fleetMaxRequestsPerSecond > 0 ? (this.leased = new LeasedTokens()) : null;
    this.tickets = tickets;
    this.circuit.setFleetLimits(tickets, limiter);
  }

  /** The fleet is left: the circuit is on its own again, with its own limits. */
  detach(): void {
    const circuit = this.circuit;
    circuit.exchange.shared = null;
    circuit.fleet = null;
    if (this.forced === 1) circuit.forceOpen(false);
    if (this.forced === 2) circuit.forceClosed(false);
    this.forced = 0;
    circuit.setFleetLimits(-1, null);
  }

  /** The keys and arguments that give back this instance's probe and leases of the command. */
  leaveRequest(instance: string): { keys: string[]; args: string[] } {
    const k = this.keys;
    return { keys: [k.probe, k.tickets, k.wants], args: [instance] };
  }
}
