/** A small server-sent-events client over a real socket, for the stream tests. */
import { get, type IncomingMessage } from 'node:http';

/** One connection to a stream. */
export interface SseConnection {
  /** The response (status and headers). */
  readonly response: IncomingMessage;
  /** `data:` payloads received so far, in order. */
  readonly data: string[];
  /** Comment lines (`: ping`) received so far. */
  readonly comments: string[];
  /** The raw text received so far. */
  readonly raw: () => string;
  /** Resolves once `count` data payloads (in total) have arrived. */
  waitForData(count: number): Promise<void>;
  /** Resolves once `count` comments (in total) have arrived. */
  waitForComments(count: number): Promise<void>;
  /** Resolves when the server ends the response. */
  readonly ended: Promise<void>;
  /** Closes the connection from the client side. */
  close(): void;
}

/** Opens `url` and collects its events. */
export function openStream(url: string): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      response.setEncoding('utf8');
      const data: string[] = [];
      const comments: string[] = [];
      let raw = '';
      let pending = '';
      const waiters = new Set<() => void>();
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => {
        endResolve = r;
      });
      response.on('data', (chunk: string) => {
        raw += chunk;
        pending += chunk;
        let split = pending.indexOf('\n\n');
        while (split >= 0) {
          const event = pending.slice(0, split);
          pending = pending.slice(split + 2);
          if (event.startsWith('data:')) data.push(event.slice('data:'.length));
          else if (event.startsWith(':')) comments.push(event);
          split = pending.indexOf('\n\n');
        }
        for (const wake of [...waiters]) wake();
      });
      response.on('end', endResolve);
      response.on('close', endResolve);
      const waitFor = (done: () => boolean): Promise<void> =>
        new Promise((res, rej) => {
          const check = (): void => {
            if (done()) {
              waiters.delete(check);
              res();
            }
          };
          waiters.add(check);
          check();
          void ended.then(() => {
            if (!done()) rej(new Error('the stream ended before the expected events arrived'));
          });
        });
      resolve({
        response,
        data,
        comments,
        raw: () => raw,
        waitForData: (count) => waitFor(() => data.length >= count),
        waitForComments: (count) => waitFor(() => comments.length >= count),
        ended,
        close: () => {
          request.destroy();
        },
      });
    });
    request.on('error', reject);
  });
}

/** The keys of a JSON object's top level, in the order the text has them (JSON.parse reorders numeric keys). */
export function keyOrder(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const text = json.slice(i, j + 1);
      if (depth === 1 && json[j + 1] === ':') keys.push(JSON.parse(text) as string);
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    if (c === '}' || c === ']') depth--;
    i++;
  }
  return keys;
}
