import { type KeyedRequest, keyOf } from '../model/keyed-request.js';
import { KeyedTask } from './keyed-task.js';

/** Tasks known by (session, prompt), open until idle, oldest first. */
export class KeyedTasks {
  private readonly tasks = new Map<string, KeyedTask>();
  /** The open task of each cover key its records named (`KeyedRequest.coverKey`). */
  private readonly byCoverKey = new Map<string, KeyedTask>();
  /** Requests held across all tasks. */
  entries = 0;

  constructor(
    private readonly maxTasks: number,
    private readonly idleMs: number,
    private readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.tasks.size;
  }

  /** Adds a request; returns a task closed early to stay within `maxTasks`, if any. */
  add(r: KeyedRequest, nowMs: number): KeyedTask | undefined {
    const key = keyOf(r);
    let task = this.tasks.get(key);
    let evicted: KeyedTask | undefined;
    if (task === undefined) {
      if (this.tasks.size >= this.maxTasks) {
        const [oldestKey, oldest] = this.tasks.entries().next().value as [string, KeyedTask];
        this.remove(oldestKey, oldest);
        evicted = oldest;
      }
      task = new KeyedTask(r, nowMs);
      this.tasks.set(key, task);
    }
    const before = task.size;
    task.add(r, nowMs);
    if (r.coverKey !== undefined) this.byCoverKey.set(r.coverKey, task);
    this.entries += task.size - before;
    return evicted;
  }

  /** The open task whose records named this cover key, if any. */
  withCoverKey(key: string): KeyedTask | undefined {
    return this.byCoverKey.get(key);
  }

  /** Removes and returns the tasks idle for `idleMs` (or older than `maxAgeMs`). */
  takeDue(nowMs: number): KeyedTask[] {
    const due: KeyedTask[] = [];
    for (const [key, task] of this.tasks) {
      if (nowMs - task.lastSeenMs >= this.idleMs || nowMs - task.firstSeenMs >= this.maxAgeMs) {
        due.push(task);
        this.remove(key, task);
      }
    }
    return due;
  }

  /** Removes and returns every open task. */
  takeAll(): KeyedTask[] {
    const all = [...this.tasks.values()];
    this.tasks.clear();
    this.byCoverKey.clear();
    this.entries = 0;
    return all;
  }

  private remove(key: string, task: KeyedTask): void {
    this.tasks.delete(key);
    for (const cover of task.coverKeys) {
      if (this.byCoverKey.get(cover) === task) this.byCoverKey.delete(cover);
    }
    this.entries -= task.size;
  }
}
