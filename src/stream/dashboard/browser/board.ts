/**
 * The board: every circuit the stream has named, their cards in the chosen order and filtered by name, the
 * totals in the bar and the time of the last message, drawn at most once per animation frame.
 */
import { Card } from './card.js';
import { type Circuit, newCircuit } from './circuit.js';
import { comparator, type SortKey } from './sorts.js';

/** What the controls choose: the order and the filter (a part of the name, any case). */
export interface View {
  sort: SortKey;
  filter: string;
}

/** The page's elements the board draws into. */
export interface BoardElements {
  /** The element holding the cards. */
  readonly board: HTMLElement;
  /** The card template's element. */
  readonly template: Element;
  /** The note shown when no card is. */
  readonly emptyNote: HTMLElement;
  /** The time of the last message. */
  readonly lastText: HTMLTimeElement;
  /** The bar's totals, by their data-count. */
  readonly countNodes: ReadonlyMap<string, Element>;
}

/** The circuits and their cards. */
export class Board {
  /** The order and filter, which the controls set before calling {@link Board.relayout}. */
  readonly view: View = { sort: 'name', filter: '' };
  /** The circuits by name (any string: a Map, never an object). */
  private readonly circuits = new Map<string, Circuit>();
  /** Circuits whose figures changed since the last frame. */
  private readonly dirty = new Set<Circuit>();
  private layoutNeeded = true;
  private scheduled = false;
  private lastMessageAt = 0;
  private shownTime = '';
  private readonly elements: BoardElements;

  constructor(elements: BoardElements) {
    this.elements = elements;
  }

  /** The circuit of that name, new when the board has none. */
  circuitFor(name: string): Circuit {
    let c = this.circuits.get(name);
    if (c !== undefined) return c;
    c = newCircuit(name);
    this.circuits.set(name, c);
    this.layoutNeeded = true;
    return c;
  }

  /** Removes the circuits whose names are not in `names`, those the registry forgot. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const c of this.circuits.values()) if (!names.has(c.name)) this.remove(c);
  }

  /** Marks a circuit's figures as changed: its card is drawn in the next frame. */
  changed(c: Circuit): void {
    this.dirty.add(c);
  }

  /** Notes that a message came now, and draws what changed in the next frame. */
  messageReceived(): void {
    this.lastMessageAt = Date.now();
    this.schedule();
  }

  /** Orders and filters the cards again in the next frame, after a change of {@link Board.view}. */
  relayout(): void {
    this.layoutNeeded = true;
    this.schedule();
  }

  private remove(c: Circuit): void {
    this.circuits.delete(c.name);
    this.dirty.delete(c);
    if (c.card !== null) c.card.element.remove();
    this.layoutNeeded = true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.draw();
    });
  }

  private cardOf(c: Circuit): Card {
    c.card ??= new Card(this.elements.template, c.name);
    return c.card;
  }

  // At most once per animation frame, whatever the number of messages: all writes, no layout reads.
  private draw(): void {
    this.scheduled = false;
    for (const c of this.dirty) this.cardOf(c).render(c);
    // New figures can change the order and the number of open circuits.
    if (this.dirty.size > 0) this.layoutNeeded = true;
    this.dirty.clear();
    if (this.layoutNeeded) {
      this.layoutNeeded = false;
      this.layout();
    }
    if (this.lastMessageAt !== 0) {
      const at = new Date(this.lastMessageAt);
      const time = at.toLocaleTimeString(undefined, { hour12: false });
      if (time !== this.shownTime) {
        this.shownTime = time;
        this.elements.lastText.textContent = time;
        this.elements.lastText.dateTime = at.toISOString();
      }
    }
  }

  private layout(): void {
    const { board, emptyNote } = this.elements;
    const list = [...this.circuits.values()].sort(comparator(this.view.sort));
    const needle = this.view.filter.toLowerCase();
    let shown = 0;
    let open = 0;
    let halfOpen = 0;
    let previous: HTMLElement | null = null;
    for (const c of list) {
      const card = this.cardOf(c).element;
      const hide = needle !== '' && !c.lower.includes(needle);
      if (card.hidden !== hide) card.hidden = hide;
      if (!hide) shown++;
      if (c.state === 'open') open++;
      else if (c.state === 'half-open') halfOpen++;
      // A card moves only when it is out of place: a stable order costs no DOM work.
      const want: ChildNode | null = previous === null ? board.firstChild : previous.nextSibling;
      if (want !== card) board.insertBefore(card, want);
      previous = card;
    }
    this.setCount('circuits', this.circuits.size);
    this.setCount('open', open);
    this.setCount('halfOpen', halfOpen);
    this.setCount('shown', shown);
    let empty = '';
    if (this.circuits.size === 0) {
      empty = 'Waiting for circuits: a circuit appears once its command has run.';
    } else if (shown === 0) empty = 'No circuit name contains “' + this.view.filter + '”.';
    if (emptyNote.textContent !== empty) emptyNote.textContent = empty;
    emptyNote.hidden = empty === '';
  }

  private setCount(key: string, value: number): void {
    const el = this.elements.countNodes.get(key);
    const s = String(value);
    if (el !== undefined && el.textContent !== s) el.textContent = s;
  }
}
