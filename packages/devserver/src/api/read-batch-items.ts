/**
 * Reads the array `body[field]` of a batch request holding 1..`max` items; a message naming the
 * problem when the body does not have that shape.
 */
export function readBatchItems(body: unknown, field: string, max: number): unknown[] | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `body: must be a JSON object with a "${field}" array`;
  }
  const items = (body as Record<string, unknown>)[field];
  if (items === undefined) return `${field}: missing`;
  if (!Array.isArray(items)) return `${field}: must be an array`;
  if (items.length === 0) return `${field}: must hold at least 1 item`;
  if (items.length > max) return `${field}: must hold at most ${max} items, got ${items.length}`;
  return items;
}
