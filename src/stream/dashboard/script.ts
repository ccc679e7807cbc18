import { BROWSER_SCRIPT } from './browser.generated.js';

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
 * The dashboard's client script: `STREAM_URL`, then the browser code (./browser/, bundled at build time into one
 * function), which applies the URL hash and connects. All of it is strict code.
 *
 * @param streamUrl - the stream's URL, embedded as a string literal that is safe inside a `<script>` element.
 */
export function dashboardScript(streamUrl: string): string {
  return `'use strict';\nconst STREAM_URL = ${scriptString(streamUrl)};\n${BROWSER_SCRIPT}`;
}
