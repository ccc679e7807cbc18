/**
 * The part of the dashboard's client script that handles the controls: the filter and the sort order.
 *
 * Client JavaScript, run inside the page script's function after {@link BOARD_SCRIPT}, whose state it uses.
 * Both controls are kept in the URL hash, so that a link reopens the same view; it declares `readHash`, which
 * applies the hash to the view.
 */
export const CONTROLS_SCRIPT = String.raw`
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const sort = params.get('sort');
    view.sort = sort !== null && SORTS.has(sort) ? sort : 'name';
    view.filter = params.get('filter') ?? '';
    sortSelect.value = view.sort;
    if (filterInput.value !== view.filter) filterInput.value = view.filter;
    layoutNeeded = true;
    schedule();
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (view.sort !== 'name') params.set('sort', view.sort);
    if (view.filter !== '') params.set('filter', view.filter);
    const hash = params.toString();
    // Replaced, not pushed: a keystroke in the filter is not a step in the history.
    history.replaceState(null, '', hash === '' ? location.pathname + location.search : '#' + hash);
    layoutNeeded = true;
    schedule();
  }

  filterInput.addEventListener('input', () => {
    view.filter = filterInput.value;
    writeHash();
  });
  sortSelect.addEventListener('change', () => {
    view.sort = SORTS.has(sortSelect.value) ? sortSelect.value : 'name';
    writeHash();
  });
  window.addEventListener('hashchange', readHash);
`;
