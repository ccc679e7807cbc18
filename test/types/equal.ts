/**
 * Type-level assertions for the fixtures in this folder, which are compiled (never run) by
 * `test/types.test.ts`: `Expect<Equal<A, B>>` compiles only when `A` and `B` are the same type.
 */

/**
 * True when `A` and `B` are identical (not merely assignable either way): two generic functions compare equal
 * only when their conditional types do, which TypeScript decides by type identity.
 */
/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters -- the identity check needs them */
export type Equal<A, B> =
  (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/* eslint-enable @typescript-eslint/no-unnecessary-type-parameters */

/** Compiles only when given `true`. */
export type Expect<T extends true> = T;

/** Consumes values in fixtures that are compiled, never run, so that nothing is left unused. */
export declare function use(...values: unknown[]): void;
