/**
 * The main scripts of a process the Next.js CLI runs: `next start`/`next build` itself
 * (`next/dist/bin/next`, or npm's `.bin/next` link to it) and the server child of `next dev`
 * (`next/dist/server/lib/start-server.js`). Both stop on SIGTERM with `process.exit` once the HTTP
 * server is closed, and both are known from `process.argv` at once, while `NEXT_RUNTIME` is only
 * set after a `--import` module has run.
 */
const NEXT_SCRIPT =
  /(?:^|[\\/])(?:next[\\/]dist[\\/](?:bin[\\/]next(?:\.js)?|server[\\/]lib[\\/]start-server\.js)|\.bin[\\/]next)$/;

/** Whether `script` (the main script, `process.argv[1]`) is one the Next.js CLI runs a server with. */
export function isNextServerScript(script: string | undefined): boolean {
  return script !== undefined && NEXT_SCRIPT.test(script);
}
