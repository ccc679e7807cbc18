/**
 * The page's elements, found once and checked: the script is written against the page's HTML, so a missing or
 * different element is a bug in the page, reported as soon as the script starts.
 */

/** An element's class, such as `HTMLInputElement`. */
type ElementClass<T extends Element> = abstract new (...args: never[]) => T;

/**
 * The first element under `root` that matches `selector`, which must exist and be a `type`.
 *
 * @throws Error when there is none, or it is not a `type`.
 */
export function find<T extends Element>(
  root: ParentNode,
  selector: string,
  type: ElementClass<T>,
): T {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`the dashboard page has no ${type.name} ${selector}`);
  return el;
}
