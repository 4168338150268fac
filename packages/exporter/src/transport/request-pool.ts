/** Requests sent at once by one delivery or refresh: enough to hide latency, few enough to be polite. */
export const REQUEST_CONCURRENCY = 2;

/**
 * Runs `send` for each item, at most {@link REQUEST_CONCURRENCY} at a time, in order of the items;
 * resolves when all have settled. `send` must not reject (a rejection is passed on).
 */
export async function sendConcurrently<T>(
  items: readonly T[],
  send: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await send(items[next++] as T);
  };
  const workers = Math.min(REQUEST_CONCURRENCY, items.length);
  await Promise.all(Array.from({ length: workers }, worker));
}
