import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClockTimer, Hystrix } from 'hystrix-ts';
import { type FleetCircuit, describeError, type FleetHost, safeLog } from 'hystrix-ts/internal';
import { type FleetRedisClient, runScript } from './client.js';
import { CommandLink, type LinkOwner, type SyncRequest } from './command-link.js';
import { type FleetKeys, fleetKeys, keyPart } from './keys.js';
import { parseBeatReply, parseSyncReply } from './reply.js';
import { BEAT, FORCE, LEAVE_COMMAND, LEAVE_FLEET, SNAPSHOTS, SYNC } from './scripts.js';
import type { FleetSnapshots } from './fleet-snapshots.js';

/** The fleet's settings, checked. */
export interface FleetSettings {
  readonly redis: FleetRedisClient;
  readonly fleet: string;
  readonly prefix: string;
  readonly syncInterval: number;
  readonly instance: string;
  /** Milliseconds between two stream snapshots, 0 for none. */
  readonly streamInterval: number;
}

/** What a sync's race with its deadline gave. */
type Outcome =
  | { readonly kind: 'answered'; readonly replies: readonly unknown[] }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'late' };

/** The membership of one registry in a fleet: see {@link joinFleet}. */
export interface Fleet {
  /** The fleet's name. */
  readonly name: string;
  /** This process's id in the fleet. */
  readonly instance: string;
  /** True while Redis cannot be reached and every circuit decides alone. */
  readonly localMode: boolean;
  /** Processes of the fleet seen alive at the last sync (1 before the first). */
  readonly instances: number;
  /**
   * Syncs now rather than at the next interval, and resolves when done (at most one sync interval later, Redis
   * up or down). Never rejects.
   */
  sync(): Promise<void>;
  /**
   * Forces the command open fleet-wide (every process short-circuits it) until called with `false`; applied here
   * at once and by the others at their next sync. Rejects when Redis does not take it within a sync interval.
   */
  forceOpen(name: string, on: boolean): Promise<void>;
  /** Forces the command closed fleet-wide until called with `false`, like {@link Fleet.forceOpen}. */
  forceClosed(name: string, on: boolean): Promise<void>;
  /**
   * The live processes' latest stream snapshots, read from Redis: give it to `hystrix-ts/stream` as the `source`
   * of a `HystrixStream` to serve the fleet's aggregated stream.
   */
  readonly snapshots: FleetSnapshots;
  /**
   * Leaves the fleet: gives back this process's probe and leases, removes it from the live processes, and stops
   * its timer. The circuits go on alone, with their own limits. Resolves within a sync interval, Redis up or
   * down; never rejects. The registry's `close()` leaves too.
   */
  leave(): Promise<void>;
}

/** @internal The fleet of one registry. */
export class FleetMember implements Fleet, FleetHost, LinkOwner {
  readonly name: string;
  readonly instance: string;
  readonly prefix: string;
  readonly syncInterval: number;
  localMode = false;
  instances = 1;
  readonly snapshots: FleetSnapshots;
  private readonly redis: FleetRedisClient;
  private readonly keys: FleetKeys;
  private readonly links = new Map<string, CommandLink>();
  private timer: ClockTimer | null = null;
  /** The sync under way, to its end (a late one included). */
  private running: Promise<void> | null = null;
  /** Redis commands of a sync that has not settled: no new ones are sent on top of them. */
  private outstanding = false;
  private again = false;
  /** A sync is due on the next turn of the event loop. */
  private soon = false;
  private left = false;
  private leaving: Promise<void> | null = null;
  private lastSnapshot = -Infinity;
  /** When Redis last answered a sync. */
  private lastAnswer: number;
  /** Taking a stream snapshot failed: said once. */
  private snapshotFailedSaid = false;
  /** A reply was refused in this episode: said once. */
  private refusedSaid = false;
  private readonly unregister: () => void;
  private readonly leaveRegistry: () => void;

  constructor(
    private readonly hystrix: Hystrix,
    private readonly settings: FleetSettings,
    makeSnapshots: (member: FleetMember) => FleetSnapshots,
  ) {
    this.name = settings.fleet;
    this.instance = settings.instance;
    this.prefix = settings.prefix;
    this.syncInterval = settings.syncInterval;
    this.redis = settings.redis;
    this.keys = fleetKeys(settings.prefix, settings.fleet);
    this.snapshots = makeSnapshots(this);
    this.lastAnswer = hystrix.now();
    this.leaveRegistry = hystrix.joinFleet(this);
    this.unregister = hystrix.onClose(() => this.leave());
  }

  /** @internal Starts the timer after the first sync. */
  async start(): Promise<void> {
    // Commands configured with a fleet limit get their first lease before the join resolves.
    for (const [name, settings] of this.hystrix.getCircuitSettings()) {
      if (settings.fleetMaxConcurrentRequests > 0 || settings.fleetMaxRequestsPerSecond > 0) {
        this.hystrix.getCircuit(name);
      }
    }
    await this.sync();
    if (!this.left) this.arm();
  }

  /** {@inheritDoc FleetHost.attach} */
  attach(circuit: FleetCircuit): void {
    if (this.left) return;
    const link = new CommandLink(circuit, this);
    this.links.set(circuit.name, link);
    circuit.exchange.shared = link.window;
    circuit.fleet = link;
    // Alone until the fleet answers for this command: its own window decides, and a fleet limit grants
    // nothing yet (in local mode, a share of it).
    if (this.localMode) link.enterLocalMode(this.hystrix.now());
    else link.awaitFirstAnswer();
    this.syncSoon();
  }

  /** {@inheritDoc LinkOwner.syncSoon} */
  syncSoon(): void {
    if (this.left || this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      // Changes seen while a sync is under way are sent by one more, right after it.
      if (this.running !== null) this.again = true;
      else void this.runSync();
    });
  }

  /** {@inheritDoc Fleet.sync} */
  sync(): Promise<void> {
    if (this.left) return Promise.resolve();
    // A sync under way may have read the state before this call: a fresh one follows it.
    if (this.running !== null) return this.running.then(() => this.sync());
    return this.runSync();
  }

  private runSync(): Promise<void> {
    const run = this.syncOnce().then(
      () => undefined,
      (error: unknown) => {
        // A client that throws rather than rejects: the same as Redis not answering.
        if (!this.left) this.enterLocalMode(describeError(error), this.hystrix.now());
      },
    );
    const tracked = run.then(() => {
      this.running = null;
      if (this.again && !this.left) {
        this.again = false;
        void this.runSync();
      }
    });
    this.running = tracked;
    return tracked;
  }

  /** {@inheritDoc Fleet.forceOpen} */
  forceOpen(name: string, on: boolean): Promise<void> {
    return this.force(name, on, 1, 'forceOpen');
  }

  /** {@inheritDoc Fleet.forceClosed} */
  forceClosed(name: string, on: boolean): Promise<void> {
    return this.force(name, on, 2, 'forceClosed');
  }

  /** {@inheritDoc Fleet.leave} */
  leave(): Promise<void> {
    if (this.leaving !== null) return this.leaving;
    this.left = true;
    this.unregister();
    this.leaveRegistry();
    if (this.timer !== null) this.hystrix.clock.clearTimeout(this.timer);
    this.timer = null;
    const commands: Promise<unknown>[] = [];
    for (const link of this.links.values()) {
      link.detach();
      const { keys, args } = link.leaveRequest(this.instance);
      commands.push(runScript(this.redis, LEAVE_COMMAND, keys, args));
    }
    this.links.clear();
    commands.push(
      runScript(this.redis, LEAVE_FLEET, [this.keys.live], [this.instance, this.snapshotKey()]),
    );
    this.leaving = this.within(Promise.all(commands)).then((outcome) => {
      if (outcome.kind !== 'answered') {
        const reason =
          outcome.kind === 'late'
            ? `no answer within ${this.syncInterval} ms`
            : describeError(outcome.error);
        this.log(
          'error',
          `hystrix: fleet ${this.name}: could not say goodbye to Redis (${reason}); its leases and its place ` +
            'among the live processes expire by themselves',
        );
      }
    });
    return this.leaving;
  }

  /** @internal The snapshots of the live instances (their raw JSON). */
  readSnapshots(limit: number): Promise<unknown> {
    const now = Math.floor(this.hystrix.now());
    return runScript(
      this.redis,
      SNAPSHOTS,
      [this.keys.live],
      [now, this.syncInterval * 4, this.keys.snapshotBase, limit],
    );
  }

  /** @internal Logs through the registry's logger. */
  log(level: 'info' | 'error', message: string): void {
    safeLog(this.hystrix.logger, level, message);
  }

  private async force(name: string, on: boolean, value: 1 | 2, method: string): Promise<void> {
    if (typeof name !== 'string') throw new TypeError(`${method}(name, on): name must be a string`);
    if (typeof on !== 'boolean') throw new TypeError(`${method}(name, on): on must be a boolean`);
    const { circuit } = this.hystrix.getCircuit(name);
    if (value === 1) circuit.forceOpen(on);
    else circuit.forceClosed(on);
    const link = this.links.get(name);
    const settings = circuit.circuitSettings;
    const ttl = settings.rollingWindow * 2 + settings.sleepWindow + this.syncInterval * 3;
    // Forced here already; with the fleet left there is nobody to tell.
    if (link === undefined) return;
    const outcome = await this.within(
      runScript(this.redis, FORCE, [link.keys.state], [on ? value : 0, ttl]),
    );
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'late') {
      throw new Error(`hystrix: fleet ${this.name}: Redis did not answer within the sync interval`);
    }
  }

  private arm(): void {
    const timer = this.hystrix.clock.setTimeout(this.tick, this.syncInterval);
    timer.unref();
    this.timer = timer;
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.left) return;
    void this.sync();
    this.arm();
  };

  private snapshotKey(): string {
    return this.settings.streamInterval > 0 ? this.keys.snapshotBase + keyPart(this.instance) : '';
  }

  private async syncOnce(): Promise<void> {
    if (this.outstanding) {
      // Redis has not answered the last sync: nothing more is sent on top of it.
      this.checkSilence(this.hystrix.now());
      return;
    }
    const now = this.hystrix.now();
    const circuits = new Set<CommandLink>();
    for (const circuit of this.hystrix.getCircuits()) {
      const link = this.links.get(circuit.name);
      // The same object, seen through the registry's public view of it.
      if (link !== undefined && (link.circuit as object) === circuit) circuits.add(link);
    }
    // Circuits the registry forgot (flush) leave with their links.
    for (const [name, link] of this.links) if (!circuits.has(link)) this.links.delete(name);
    const active: CommandLink[] = [];
    const requests: SyncRequest[] = [];
    for (const link of circuits) {
      if (link.active(now)) {
        active.push(link);
        requests.push(link.request(this.instance, now));
      } else link.idle();
    }
    const commands: Promise<unknown>[] = [this.beat(now)];
    for (const request of requests) {
      commands.push(runScript(this.redis, SYNC, request.keys, request.args));
    }
    const all = Promise.all(commands);
    this.outstanding = true;
    const settle = (): void => {
      this.outstanding = false;
    };
    all.then(settle, settle);
    const outcome = await this.within(all);
    if (this.left) return;
    if (outcome.kind === 'failed') {
      this.enterLocalMode(describeError(outcome.error), this.hystrix.now());
      return;
    }
    if (outcome.kind === 'late') {
      // A slow answer (a busy server or a busy process) is still the fleet's: applied when it comes. Until it
      // does, the circuits go on from the fleet's last figures, and alone once that silence lasts.
      this.checkSilence(this.hystrix.now());
      all.then(
        (replies) => {
          if (!this.left) this.applyAnswer(replies, active, requests);
        },
        (error: unknown) => {
          if (!this.left) this.enterLocalMode(describeError(error), this.hystrix.now());
        },
      );
      return;
    }
    this.applyAnswer(outcome.replies, active, requests);
  }

  /** Goes to local mode when Redis has answered nothing for two sync intervals (a lease lasts three). */
  private checkSilence(now: number): void {
    if (now - this.lastAnswer >= this.syncInterval * 2) {
      this.enterLocalMode(`no answer for ${Math.round(now - this.lastAnswer)} ms`, now);
    }
  }

  private applyAnswer(
    answer: readonly unknown[],
    active: readonly CommandLink[],
    requests: readonly SyncRequest[],
  ): void {
    const at = this.hystrix.now();
    const [beat, ...replies] = answer;
    const instances = parseBeatReply(beat);
    if (typeof instances === 'string') {
      this.enterLocalMode(`refused a reply from Redis: ${instances}`, at);
      return;
    }
    this.lastAnswer = at;
    this.instances = Math.max(1, instances);
    this.leaveLocalMode();
    for (let i = 0; i < active.length; i++) {
      const link = active[i];
      const request = requests[i];
      if (link === undefined || request === undefined) continue;
      const reply = parseSyncReply(replies[i], at, request.ticketLimit, request.tokensWanted);
      if (typeof reply === 'string') {
        if (!this.refusedSaid) {
          this.refusedSaid = true;
          this.log(
            'error',
            `hystrix: fleet ${this.name}: refused a reply from Redis for ${link.circuit.name}: ${reply}; ` +
              'the circuit decides alone until a sound one comes',
          );
        }
        link.enterLocalMode(at);
        continue;
      }
      link.apply(reply, request, at);
    }
  }

  private beat(now: number): Promise<unknown> {
    const interval = this.settings.streamInterval;
    let key = '';
    let snapshot = '';
    if (interval > 0 && now - this.lastSnapshot >= interval) {
      this.lastSnapshot = now;
      try {
        snapshot = this.snapshots.take();
        key = this.snapshotKey();
      } catch (error: unknown) {
        if (!this.snapshotFailedSaid) {
          this.snapshotFailedSaid = true;
          this.log(
            'error',
            `hystrix: fleet ${this.name}: could not take a stream snapshot: ${describeError(error)}`,
          );
        }
      }
    }
    return runScript(
      this.redis,
      BEAT,
      [this.keys.live],
      [this.instance, Math.floor(now), this.syncInterval * 4, key, snapshot, interval * 3],
    );
  }

  private enterLocalMode(reason: string, now: number): void {
    if (!this.localMode) {
      this.localMode = true;
      this.log(
        'error',
        `hystrix: fleet ${this.name}: Redis is unavailable (${reason}); circuits decide alone and fleet limits ` +
          `are shared out by the last known ${this.instances} process(es) until it answers`,
      );
    }
    for (const link of this.links.values()) link.enterLocalMode(now);
  }

  private leaveLocalMode(): void {
    if (!this.localMode) return;
    this.localMode = false;
    this.refusedSaid = false;
    this.log('info', `hystrix: fleet ${this.name}: Redis answers again; rejoined the fleet`);
  }

  /** `work` raced with one sync interval on the registry's clock; a rejection is an outcome, never thrown. */
  private within(work: Promise<unknown>): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const timer = this.hystrix.clock.setTimeout(() => {
        resolve({ kind: 'late' });
      }, this.syncInterval);
      timer.unref();
      work.then(
        (value) => {
          this.hystrix.clock.clearTimeout(timer);
          resolve({ kind: 'answered', replies: Array.isArray(value) ? value : [value] });
        },
        (error: unknown) => {
          this.hystrix.clock.clearTimeout(timer);
          resolve({ kind: 'failed', error });
        },
      );
    });
  }
}

/** A new instance id: host, process and a random part, so that restarts and containers never collide. */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
