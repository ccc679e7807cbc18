/** Statuses whose response has no body, which the `Response` constructor refuses one for. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The response with its body read into memory: a copy with the same status, headers, `url` and `redirected`,
 * so that reading the body happens inside the command and its timeout covers it.
 */
export async function bufferResponse(response: Response): Promise<Response> {
  const body = await response.arrayBuffer();
  const copy = new Response(NULL_BODY.has(response.status) ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, 'url', { value: response.url });
  Object.defineProperty(copy, 'redirected', { value: response.redirected });
  return copy;
}

/** Cancels a body nobody read, so that its connection is freed; never throws. */
export function discardBody(response: Response): void {
  try {
    const body = response.body;
    if (body === null || body.locked || response.bodyUsed) return;
    body.cancel().catch(() => {
      // Already errored: nothing to free.
    });
  } catch {
    // A response-like object without a readable body: nothing to free.
  }
}

/** Whether a fallback's answer looks like a `Response` (from any realm: undici's own or the global one). */
export function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers === 'object' &&
    typeof (value as Response).arrayBuffer === 'function'
  );
}
