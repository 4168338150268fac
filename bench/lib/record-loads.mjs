// Preloaded with --import: records the URL of every ES module loaded (through a module hook) in
// the file named by BENCH_LOADS_FILE. CommonJS loads are read from require.cache by the caller.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { file: process.env.BENCH_LOADS_FILE },
});
