// DOM and API helpers of the web view. Every value from the server goes into text nodes.
export const KEY_STORAGE = 'mosaic-devserver-key';

export const $ = (id) => document.getElementById(id);
export const number = new Intl.NumberFormat('en-US');
export const usd = (micros) => `$${(micros / 1e6).toFixed(micros < 1e6 ? 4 : 2)}`;
export const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Creates an element with text content (never HTML) and optional class. */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function fillSelect(select, values, anyLabel) {
  const current = select.value;
  select.replaceChildren();
  if (anyLabel) select.append(new Option(anyLabel, ''));
  for (const value of values) select.append(new Option(value, value));
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

/** GETs a JSON route; sends the key kept in the tab only when the server asked for one (401). */
export async function api(path) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = await fetch(path, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  if (response.status === 401) {
    $('auth').hidden = false;
    throw new Error('the API key is needed');
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

export function showError(error) {
  $('status').textContent = `error: ${error.message}`;
}
