/**
 * The dashboard page's script: finds the page's elements, wires the controls, applies the URL hash and reads the
 * stream. The bundle is an IIFE; the page defines `STREAM_URL` before it (see `../script.ts`).
 */
import { Board } from './board.js';
import { bindControls } from './controls.js';
import { find } from './dom.js';
import { follow } from './stream.js';

/** The stream's URL, relative to the page: a string literal the page writes before this script. */
declare const STREAM_URL: string;

const countNodes = new Map<string, Element>();
for (const el of document.querySelectorAll('[data-count]')) {
  const key = el.getAttribute('data-count');
  if (key !== null) countNodes.set(key, el);
}
const template = find(document, '#card-template', HTMLTemplateElement).content.firstElementChild;
if (template === null) throw new Error('the dashboard page has an empty card template');

const board = new Board({
  board: find(document, '[data-board]', HTMLElement),
  template,
  emptyNote: find(document, '[data-field=empty]', HTMLElement),
  lastText: find(document, '[data-field=lastMessage]', HTMLTimeElement),
  countNodes,
});
bindControls(
  board,
  find(document, '[data-control=filter]', HTMLInputElement),
  find(document, '[data-control=sort]', HTMLSelectElement),
);
follow(STREAM_URL, board, find(document, '[data-field=connection]', HTMLElement));
