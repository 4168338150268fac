// Forks a helper process and talks to it over IPC.
import { fork } from 'node:child_process';

/** Forks `script` and resolves once it sends `{ type: readyType }`, with that message. */
export function forkHelper(script, readyType, args = []) {
  const child = fork(new URL(script, import.meta.url), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type === readyType) {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
  });
  /** Sends `message` and resolves with the first answer of type `answerType`. */
  const request = (message, answerType) =>
    new Promise((resolve) => {
      const onMessage = (answer) => {
        if (answer?.type === answerType) {
          child.off('message', onMessage);
          resolve(answer);
        }
      };
      child.on('message', onMessage);
      child.send(message);
    });
  /** Sends `{ type }` and resolves with the first answer of the same type. */
  const ask = (type) => request({ type }, type);
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.send({ type: 'close' });
    });
  return { child, ready, ask, request, close };
}
