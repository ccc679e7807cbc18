/**
 * The keys a fleet writes. Every key of one command shares a hash tag, and every fleet-wide key the fleet's own,
 * so that each script touches one slot of a Redis Cluster. Names may hold any character: each part is escaped.
 */

/**
 * A name made safe for a key: letters, digits, `-`, `.` and `_` as they are, every other UTF-16 unit as `%` and
 * four hex digits. Each escape has one length, so two names never give one key part (a lone surrogate included),
 * and no part ever holds `{`, `}` or `:`.
 */
export function keyPart(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const plain =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95;
    out += plain ? value.charAt(i) : `%${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** The keys of one command of a fleet. */
export interface CommandKeys {
  /** Hash: `gen` (the window's generation, bumped when the circuit closes), `open` (when it opened, 0 closed), `forced`. */
  readonly state: string;
  /** String: the instance holding the fleet's probe, with an expiry. */
  readonly probe: string;
  /** Hash: instance → `held:wanted:expiresAt` of the fleet's concurrency limit. */
  readonly tickets: string;
  /** Hash: `level` and `last` of the fleet's token bucket. */
  readonly bucket: string;
  /** Hash: instance → `wanted:expiresAt` tokens of the fleet's rate limit. */
  readonly wants: string;
  /** The start of the window's bucket keys: `<base><bucketMs>:<gen>:<index>` (hashes of `r`, `e`, `s`). */
  readonly windowBase: string;
}

/** The fleet-wide keys. */
export interface FleetKeys {
  /** Sorted set: instance → when it was last seen. */
  readonly live: string;
  /** The start of each instance's stream snapshot key: `<base><instance>`. */
  readonly snapshotBase: string;
}

/** The keys of the fleet `fleet` under `prefix`. */
export function fleetKeys(prefix: string, fleet: string): FleetKeys {
  const tag = `${prefix}{${keyPart(fleet)}}`;
  return { live: `${tag}:live`, snapshotBase: `${tag}:snapshot:` };
}

/** The keys of the command `name` of the fleet `fleet` under `prefix`. */
export function commandKeys(prefix: string, fleet: string, name: string): CommandKeys {
  const tag = `${prefix}{${keyPart(fleet)}:${keyPart(name)}}`;
  return {
    state: `${tag}:state`,
    probe: `${tag}:probe`,
    tickets: `${tag}:tickets`,
    bucket: `${tag}:bucket`,
    wants: `${tag}:wants`,
    windowBase: `${tag}:window:`,
  };
}
