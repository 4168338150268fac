import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGE_DIR } from '../package-dir.js';

const JS = 'text/javascript; charset=utf-8';
const pageFile = (name: string, type: string) => ({
  url: new URL(`web/${name}`, PACKAGE_DIR),
  type,
});

/** The web view's files: the page and modules shipped in `web/`, the charting library copied into `dist/vendor/` by the build. */
const ASSETS: Record<string, { url: URL; type: string }> = {
  '/': pageFile('index.html', 'text/html; charset=utf-8'),
  '/assets/style.css': pageFile('style.css', 'text/css; charset=utf-8'),
  ...Object.fromEntries(
    [
      'app.js',
      'dom.js',
      'state.js',
      'cards.js',
      'charts.js',
      'model-table.js',
      'task-table.js',
      'task-detail.js',
      'empty-state.js',
      'prediction-panel.js',
    ].map((name) => [`/assets/${name}`, pageFile(name, JS)]),
  ),
  // The wire enums, from the built semconv package itself: the page never keeps a copy.
  '/assets/semconv.js': {
    url: pathToFileURL(
      createRequire(new URL('package.json', PACKAGE_DIR))
        .resolve('@mosaicstack/telemetry-semconv/package.json')
        .replace(/package\.json$/, 'dist/index.mjs'),
    ),
    type: JS,
  },
  '/assets/chart.umd.min.js': {
    url: new URL('dist/vendor/chart.umd.min.js', PACKAGE_DIR),
    type: JS,
  },
};

/** Only our own files may run, load or be framed; nothing inline, nothing from elsewhere. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

const loaded = new Map<string, Buffer>();

/** Whether `path` names a file of the web view. */
export const isWebAsset = (path: string): boolean => Object.hasOwn(ASSETS, path);

/** Answers a GET or HEAD of one web view file; 404 naming the build step when it is missing. */
export function serveWebAsset(path: string, head: boolean, res: ServerResponse): void {
  const asset = ASSETS[path] as { url: URL; type: string };
  let body = loaded.get(path);
  if (!body) {
    try {
      body = readFileSync(fileURLToPath(asset.url));
    } catch {
      const message = `${path}: not found in the package (run the devserver's build)`;
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message);
      return;
    }
    loaded.set(path, body);
  }
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': body.length,
    ...SECURITY_HEADERS,
  });
  res.end(head ? undefined : body);
}
