import type { RateLimiter } from 'hystrix-ts/internal';

/**
 * @internal Tokens of a fleet's rate limit leased to this process for one sync interval: spent locally, one a
 * call, never refilled here. What is left is given back at the next sync.
 */
export class LeasedTokens implements RateLimiter {
  /** Tokens left. */
  tokens = 0;
  /** Calls that asked for a token since the last sync: the demand the next lease is sized by. */
  asked = 0;

  /** Takes a token if one is left. */
  tryTake(): boolean {
    this.asked++;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
