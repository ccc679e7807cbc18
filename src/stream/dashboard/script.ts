import { BOARD_SCRIPT } from './board-script.js';
import { CONTROLS_SCRIPT } from './controls-script.js';
import { STREAM_SCRIPT } from './stream-script.js';

/**
 * A string as a JavaScript string literal that is also inert inside an HTML `<script>` element: `<`, `>` and `&`
 * are escaped so that neither `</script>` nor `<!--` can end or confuse the element, and U+2028/U+2029 so that
 * older parsers do not see a line break inside the literal.
 */
function scriptString(value: string): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The dashboard's client script: `STREAM_URL`, then one function holding the parts (board, stream, controls,
 * which share its scope), which applies the URL hash and connects.
 *
 * @param streamUrl - the stream's URL, embedded as a string literal that is safe inside a `<script>` element.
 */
export function dashboardScript(streamUrl: string): string {
  return [
    `const STREAM_URL = ${scriptString(streamUrl)};\n(() => {\n  'use strict';`,
    BOARD_SCRIPT,
    STREAM_SCRIPT,
    CONTROLS_SCRIPT,
    '  readHash();\n  connect();\n})();\n',
  ].join('');
}
