/** Bad requests: the caller's fault passes through, with no fallback, and never counts toward health. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError, isBadRequestError } from '../../src/index.js';
import { failOnUnhandled, manualHystrix, rejectionOf } from '../helpers.js';

failOnUnhandled();

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

describe('bad requests', () => {
  it('a BadRequestError: the caller gets its cause as it was, no fallback runs, the health is untouched', async () => {
    const { h } = manualHystrix();
    const notFound = new HttpError(404);
    let fallbacks = 0;
    const error = await rejectionOf(
      h.do(
        'api',
        () => {
          throw new BadRequestError(notFound);
        },
        () => {
          fallbacks++;
          return 'fallback';
        },
      ),
    );
    expect(error).toBe(notFound);
    expect(fallbacks).toBe(0);
    expect(await h.go('api', () => Promise.reject(new BadRequestError(notFound)))).toBe(notFound);
    expect(h.getCircuit('api').circuit.stats()).toMatchObject({
      badRequests: 2,
      requests: 0,
      errors: 0,
      failures: 0,
      fallbackSuccesses: 0,
    });
  });

  it('a BadRequestError without a cause is received itself; the guard knows it', async () => {
    const { h } = manualHystrix();
    const error = await rejectionOf(
      h.do('api', () => {
        throw new BadRequestError(undefined, 'missing id');
      }),
    );
    expect(isBadRequestError(error)).toBe(true);
    expect((error as Error).message).toBe('missing id');
    expect(isBadRequestError(new Error('x'))).toBe(false);
  });

  it("the command's isBadRequest predicate marks errors; one that throws is logged and counts as false", async () => {
    const { h, logs } = manualHystrix();
    h.configureCommand('api', {
      isBadRequest: (error) => error instanceof HttpError && error.status < 500,
    });
    const teapot = new HttpError(418);
    expect(
      await h.go(
        'api',
        () => Promise.reject(teapot),
        () => 'never',
      ),
    ).toBe(teapot);
    expect(
      await h.do(
        'api',
        () => Promise.reject(new HttpError(503)),
        () => 'fallback',
      ),
    ).toBe('fallback');
    expect(h.getCircuit('api').circuit.stats()).toMatchObject({ badRequests: 1, failures: 1 });

    h.configureCommand('odd', {
      isBadRequest: () => {
        throw new Error('predicate broke');
      },
    });
    expect(
      await h.do(
        'odd',
        () => Promise.reject(teapot),
        () => 'fallback',
      ),
    ).toBe('fallback');
    expect(
      logs.some((m) => m.includes('isBadRequest of circuit odd failed: predicate broke')),
    ).toBe(true);
  });

  it('isBadRequest must be a function; the JSON form has no key for it', () => {
    const { h } = manualHystrix();
    expect(() => h.configureCommand('api', { isBadRequest: 'yes' as never })).toThrow(TypeError);
    expect(() =>
      h.configure(JSON.parse('{"api": {"is_bad_request": true}}') as Record<string, object>),
    ).toThrow(/unknown key 'is_bad_request'/);
    expect(h.getCircuitSettings().size).toBe(0);
  });

  it('a probe answered by a bad request gives its place to another call', async () => {
    const { h, clock } = manualHystrix({
      defaults: { requestVolumeThreshold: 1, sleepWindow: 10 },
    });
    await h.go('api', () => Promise.reject(new Error('down')));
    await h.go('api', () => 'ok');
    const { circuit } = h.getCircuit('api');
    expect(circuit.state).toBe('open');
    clock.advance(11);
    await h.go('api', () => Promise.reject(new BadRequestError(new HttpError(400))));
    expect(circuit.state).toBe('half-open');
    expect(await h.do('api', () => 'ok')).toBe('ok');
    expect(circuit.state).toBe('closed');
  });

  it('property: a call that ends as a bad request changes no health figure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('ok', 'fail', 'bad'), { minLength: 1, maxLength: 60 }),
        async (outcomes) => {
          const { h } = manualHystrix({ defaults: { requestVolumeThreshold: 5 } });
          const health = (): object => {
            const circuit = h.getCircuit('c').circuit;
            const st = circuit.stats();
            return {
              state: st.state,
              requests: st.requests,
              errors: st.errors,
              errorPercent: st.errorPercent,
              successes: st.successes,
              failures: st.failures,
              shortCircuits: st.shortCircuits,
              consecutiveFailures: st.consecutiveFailures,
              allows: circuit.allowRequest(),
            };
          };
          let seen = 0;
          for (const o of outcomes) {
            const before = health();
            const badBefore = h.getCircuit('c').circuit.stats().badRequests;
            await h.go('c', () => {
              if (o === 'ok') return 'ok';
              if (o === 'fail') throw new Error('fail');
              throw new BadRequestError(new HttpError(400));
            });
            const badAfter = h.getCircuit('c').circuit.stats().badRequests;
            if (badAfter > badBefore) {
              seen++;
              expect(o).toBe('bad');
              expect(health()).toEqual(before);
            }
          }
          expect(seen).toBeLessThanOrEqual(outcomes.filter((o) => o === 'bad').length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
