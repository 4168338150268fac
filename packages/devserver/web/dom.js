// DOM, formatting and API helpers of the web view. Every value from the server goes into text nodes.
export const KEY_STORAGE = 'mosaic-devserver-key';

export const $ = (id) => document.getElementById(id);

const integer = new Intl.NumberFormat('en-US');
const decimal1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const percent1 = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** A count with thousands separators. */
export const number = (n) => integer.format(n);

/** `1 task`, `2 tasks`. */
export const plural = (n, word, many = `${word}s`) =>
  `${integer.format(n)} ${n === 1 ? word : many}`;

/** US dollars from micro-dollars: 2 decimals, 4 below one cent, thousands separators. */
export function usd(micros) {
  const dollars = micros / 1e6;
  const digits = micros !== 0 && Math.abs(dollars) < 0.01 ? 4 : 2;
  return `$${dollars.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A share from 0 to 1 as a percentage; an en dash when unknown. */
export const percent = (share) =>
  share === null || share === undefined ? '–' : percent1.format(share);

/** A duration in ms, in the unit that reads best. */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${integer.format(ms)} ms`;
  if (ms < 60_000) return `${decimal1.format(ms / 1000)} s`;
  if (ms < 3_600_000) return `${decimal1.format(ms / 60_000)} min`;
  return `${decimal1.format(ms / 3_600_000)} h`;
}

/** A correction factor (actual ÷ estimated) like `×1.23`; an en dash when unknown. */
export const factor = (f) => (f === null || f === undefined ? '–' : `×${f.toFixed(2)}`);

/** How an outcome shows: an icon and the word, never colour alone. */
export const OUTCOME_ICONS = { success: '✓', failure: '✗', partial: '◐', timeout: '◷' };

/** Creates an element with text content (never HTML) and optional class. */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** An outcome cell's content: icon and word, with the class that colours it. */
export function outcomeBadge(outcome) {
  const badge = el('span', undefined, `outcome outcome-${outcome}`);
  badge.append(el('span', OUTCOME_ICONS[outcome] ?? '?', 'icon'), ` ${outcome}`);
  badge.querySelector('.icon').setAttribute('aria-hidden', 'true');
  return badge;
}

export function fillSelect(select, values, anyLabel) {
  const current = select.value;
  select.replaceChildren();
  if (anyLabel) select.append(new Option(anyLabel, ''));
  for (const value of values) select.append(new Option(value, value));
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

/** The server answered with an error (the server is up). */
export class ApiError extends Error {}

/** GETs a JSON route; sends the key kept in the tab only when the server asked for one (401). */
export async function api(path) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  const response = await fetch(path, key ? { headers: { Authorization: `Bearer ${key}` } } : {});
  if (response.status === 401) {
    $('auth').hidden = false;
    throw new ApiError('the API key is needed');
  }
  const body = await response.json();
  if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`);
  return body;
}
