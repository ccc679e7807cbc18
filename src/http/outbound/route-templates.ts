import { describeValue } from 'hystrix-ts/internal';

/** One segment of a template: a literal, `:param` (any one segment) or `*` (the rest of the path). */
type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param' }
  | { readonly kind: 'rest' };

/** A route template compiled once, matched against every request's path. */
interface CompiledRoute {
  readonly template: string;
  readonly segments: readonly Segment[];
}

/**
 * Route templates such as `/users/:id` or `/files/*`, matched against a request's path so that every path of one
 * endpoint is one command. The first template that matches wins.
 */
export class RouteTemplates {
  private readonly routes: readonly CompiledRoute[];

  /**
   * @param templates - each starts with `/`; `:name` stands for one path segment, a final `*` for the rest.
   * @param where - names the option in error messages.
   * @throws TypeError when `templates` is not an array of such strings.
   */
  constructor(templates: unknown, where: string) {
    if (!Array.isArray(templates)) {
      throw new TypeError(
        `${where} must be an array of path templates such as ['/users/:id'], got ${describeValue(templates)}`,
      );
    }
    this.routes = templates.map((template: unknown, i) => compile(template, `${where}[${i}]`));
  }

  /** The first template matching `path` (a URL's pathname), or undefined. */
  match(path: string): string | undefined {
    if (this.routes.length === 0) return undefined;
    const parts = split(path);
    for (const route of this.routes) {
      if (matches(route.segments, parts)) return route.template;
    }
    return undefined;
  }
}

function compile(template: unknown, where: string): CompiledRoute {
  if (typeof template !== 'string' || !template.startsWith('/')) {
    throw new TypeError(
      `${where} must be a path template starting with '/', got ${describeValue(template)}`,
    );
  }
  const parts = split(template);
  const segments = parts.map((part, i): Segment => {
    if (part === '*') {
      if (i !== parts.length - 1) {
        throw new TypeError(
          `${where}: '*' may only end a template, got ${JSON.stringify(template)}`,
        );
      }
      return { kind: 'rest' };
    }
    if (part.startsWith(':') && part.length > 1) return { kind: 'param' };
    return { kind: 'literal', text: part };
  });
  return { template, segments };
}

/** A path's segments, without the empty ones that leading, trailing or doubled slashes make. */
function split(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function matches(segments: readonly Segment[], parts: readonly string[]): boolean {
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'rest') return true;
    const part = parts[i];
    if (part === undefined) return false;
    if (segment.kind === 'literal' && segment.text !== part) return false;
  }
  return segments.length === parts.length;
}
