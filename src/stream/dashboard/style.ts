/**
 * The CSS of the dashboard page: a sticky bar of totals and controls over a grid of circuit cards, in the
 * colours of the Hystrix dashboard (green success, blue short-circuited, orange timeout, purple rejected, red
 * failure).
 */
export const DASHBOARD_STYLE = String.raw`:root {
  --bg: #eef1f4; --card: #fff; --ink: #1f2328; --muted: #59636e; --faint: #8c959f; --line: #d1d9e0;
  --ok: #1a7f37; --short: #0a58ca; --bad: #0b7285; --timeout: #b35900; --reject: #8250df; --fail: #cf222e;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 13px/1.35 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
.bar {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center;
  gap: 8px 18px; padding: 9px 16px; background: #22272e; color: #f0f3f6;
}
.brand { margin: 0; font-size: 16px; font-weight: 600; white-space: nowrap; }
.brand span { font-weight: 400; color: #9ea7b3; }
.summary { color: #c5ced8; white-space: nowrap; }
.summary b { color: #fff; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin-left: auto; }
.controls label { display: inline-flex; gap: 6px; align-items: center; color: #c5ced8; }
input, select {
  appearance: none; font: inherit; color: var(--ink); background-color: #fff; border: 0;
  border-radius: 6px; padding: 3px 8px; height: 28px;
}
select {
  padding-right: 26px; background-repeat: no-repeat; background-position: right 8px center;
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E\
%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%2359636e' stroke-width='1.5'/%3E%3C/svg%3E");
}
input[type=search] { width: 200px; }
input:focus-visible, select:focus-visible { outline: 2px solid #4493f8; outline-offset: 1px; }
.conn { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
.conn::before { content: ""; width: 9px; height: 9px; border-radius: 50%; background: #9ea7b3; }
body[data-connection=live] .conn::before { background: #3fb950; }
body[data-connection=lost] .conn::before { background: #f85149; }
body[data-connection=lost] .conn { color: #ffb1ab; }
.last { color: #9ea7b3; white-space: nowrap; }
.board {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(296px, 1fr)); gap: 12px;
  padding: 14px 16px 24px; margin: 0;
}
body[data-connection=lost] .board { opacity: .55; }
.empty { margin: 48px 16px; text-align: center; color: var(--muted); font-size: 15px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-top: 4px solid #2da44e; border-radius: 8px;
  padding: 7px 10px 8px; min-width: 0; content-visibility: auto; contain-intrinsic-size: auto 252px;
}
.card[hidden] { display: none; }
.card[data-state=open] { border-top-color: var(--fail); }
.card[data-state=half-open] { border-top-color: #d4a72c; }
.head { display: flex; align-items: center; gap: 8px; }
.name {
  flex: 1; min-width: 0; margin: 0; font-size: 14px; font-weight: 600; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap;
}
.unnamed .name { font-style: italic; font-weight: 400; color: var(--muted); }
.state {
  flex: none; font-size: 11px; font-weight: 600; line-height: 18px; padding: 0 8px; border-radius: 9px;
  background: #dafbe1; color: #116329;
}
.card[data-state=open] .state { background: #ffebe9; color: #a40e26; }
.card[data-state=half-open] .state { background: #fff8c5; color: #6c4400; }
.card[data-forced] .state { box-shadow: inset 0 0 0 1px currentColor; }
.top {
  display: grid; grid-template-columns: 66px minmax(0, 1fr); gap: 8px; align-items: center; margin-top: 4px;
}
.bubble { display: block; width: 66px; height: 66px; }
.bubble circle { stroke: rgba(0, 0, 0, .28); stroke-width: 1; fill-opacity: .9; }
.counts {
  display: grid; grid-template-columns: minmax(0, .9fr) minmax(0, 1.45fr) minmax(0, 1.2fr); gap: 3px 6px;
}
.k {
  min-width: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 10.5px;
  color: var(--muted);
}
.k b { display: block; font-size: 15px; line-height: 18px; font-weight: 600; }
.ok b { color: var(--ok); } .sc b { color: var(--short); } .br b { color: var(--bad); }
.to b { color: var(--timeout); } .rj b { color: var(--reject); } .fl b { color: var(--fail); }
.mid { display: flex; align-items: flex-end; gap: 10px; margin-top: 5px; }
.err { flex: none; line-height: 1; white-space: nowrap; }
.err b { font-size: 22px; font-weight: 600; }
.err small, .rate small { display: block; margin-top: 2px; font-size: 10.5px; color: var(--muted); }
.rate { flex: none; line-height: 1; white-space: nowrap; }
.rate b { font-size: 15px; font-weight: 600; }
.spark { flex: 1; min-width: 40px; height: 30px; display: block; }
.spark path { fill: rgba(9, 105, 218, .12); stroke: none; }
.spark polyline {
  fill: none; stroke: #0969da; stroke-width: 1.4; stroke-linejoin: round; vector-effect: non-scaling-stroke;
}
.spark line { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.more {
  display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0 6px; margin-top: 6px;
  padding-top: 5px; border-top: 1px solid #eaeef2;
}
.more .k b { font-size: 12.5px; line-height: 16px; color: var(--ink); }
.lat { width: 100%; margin-top: 5px; border-collapse: collapse; font-size: 11.5px; }
.lat th { font-weight: 400; color: var(--muted); text-align: right; padding: 0 0 0 4px; font-size: 10.5px; }
.lat th:first-child { text-align: left; padding: 0; }
.lat td { text-align: right; padding: 0 0 0 4px; }
.lat thead th { border-bottom: 1px solid #eaeef2; }
.pool { margin: 5px 0 0; font-size: 11px; color: var(--muted); }
.pool b { color: var(--ink); font-weight: 600; }
.full .pool b[data-field=activeCount], .queued .pool b[data-field=queueSize] { color: var(--reject); }
.hosts { margin-top: 5px; padding-top: 4px; border-top: 1px solid #eaeef2; font-size: 11px; }
.hosts[hidden] { display: none; }
.hosts summary { cursor: pointer; color: var(--muted); }
.hosts summary b { color: var(--ink); font-weight: 600; }
.hosts table { width: 100%; margin-top: 3px; border-collapse: collapse; table-layout: fixed; }
.hosts th, .hosts td { padding: 0 0 0 4px; text-align: right; white-space: nowrap; }
.hosts thead th { font-weight: 400; color: var(--muted); font-size: 10.5px; border-bottom: 1px solid #eaeef2; }
.hosts th:first-child {
  width: 38%; padding: 0; text-align: left; overflow: hidden; text-overflow: ellipsis; font-weight: 400;
}
.hosts tr[data-state=open] td:nth-child(2) { color: var(--fail); }
.hosts tr[data-state=half-open] td:nth-child(2) { color: #9a6700; }
`;
