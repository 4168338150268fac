// The view's state lives in the URL (shareable; the back button steps through it).
export const FILTERS = ['task_type', 'model', 'provider', 'complexity', 'harness', 'outcome'];
const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const DEFAULTS = { range: 'all', sort: 'time', order: 'desc', page: '0', metric: 'cost' };
const KEYS = [...FILTERS, ...Object.keys(DEFAULTS), 'from', 'to'];

/** The current state: every key with its value or default. */
export function readState() {
  const params = new URLSearchParams(location.search);
  const state = { ...DEFAULTS };
  for (const key of KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') state[key] = value;
  }
  if (!(state.range in RANGES) && state.range !== 'all' && state.range !== 'custom')
    state.range = 'all';
  return state;
}

/** Sets keys (an empty value drops one) and records a history entry unless `replace`. */
export function writeState(changes, { replace = false } = {}) {
  const next = { ...readState(), ...changes };
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = next[key];
    if (value === undefined || value === '' || value === DEFAULTS[key]) continue;
    if ((key === 'from' || key === 'to') && next.range !== 'custom') continue;
    params.set(key, value);
  }
  const url = `${location.pathname}${params.size > 0 ? `?${params}` : ''}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
}

/** The query string of the time range and filters, for every data route; relative ranges end now. */
export function filterQuery(state, now = Date.now()) {
  const params = new URLSearchParams();
  if (state.range in RANGES) params.set('from', new Date(now - RANGES[state.range]).toISOString());
  if (state.range === 'custom') {
    for (const key of ['from', 'to']) {
      const ms = state[key] ? Date.parse(state[key]) : Number.NaN;
      if (!Number.isNaN(ms)) params.set(key, new Date(ms).toISOString());
    }
  }
  for (const key of FILTERS) if (state[key]) params.set(key, state[key]);
  return params;
}
