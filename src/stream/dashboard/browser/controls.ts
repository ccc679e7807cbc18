/**
 * The controls: the filter and the sort order, both kept in the URL hash, so that a link reopens the same view.
 */
import type { Board } from './board.js';
import { isSortKey } from './sorts.js';

/** Wires the controls to the board, and applies the URL's hash. */
export function bindControls(
  board: Board,
  filterInput: HTMLInputElement,
  sortSelect: HTMLSelectElement,
): void {
  const view = board.view;

  function readHash(): void {
    const params = new URLSearchParams(location.hash.slice(1));
    const sort = params.get('sort');
    view.sort = sort !== null && isSortKey(sort) ? sort : 'name';
    view.filter = params.get('filter') ?? '';
    sortSelect.value = view.sort;
    if (filterInput.value !== view.filter) filterInput.value = view.filter;
    board.relayout();
  }

  function writeHash(): void {
    const params = new URLSearchParams();
    if (view.sort !== 'name') params.set('sort', view.sort);
    if (view.filter !== '') params.set('filter', view.filter);
    const hash = params.toString();
    // Replaced, not pushed: a keystroke in the filter is not a step in the history.
    history.replaceState(null, '', hash === '' ? location.pathname + location.search : '#' + hash);
    board.relayout();
  }

  filterInput.addEventListener('input', () => {
    view.filter = filterInput.value;
    writeHash();
  });
  sortSelect.addEventListener('change', () => {
    view.sort = isSortKey(sortSelect.value) ? sortSelect.value : 'name';
    writeHash();
  });
  window.addEventListener('hashchange', readHash);
  readHash();
}
