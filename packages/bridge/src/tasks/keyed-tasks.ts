import { type KeyedRequest, keyOf } from '../model/keyed-request.js';
import { KeyedTask } from './keyed-task.js';

/** Tasks known by (session, prompt), open until idle, oldest first. */
export class KeyedTasks {
  private readonly tasks = new Map<string, KeyedTask>();
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
        this.tasks.delete(oldestKey);
        this.entries -= oldest.size;
        evicted = oldest;
      }
      task = new KeyedTask(r, nowMs);
      this.tasks.set(key, task);
    }
    const before = task.size;
    task.add(r, nowMs);
    this.entries += task.size - before;
    return evicted;
  }

  /** Removes and returns the tasks idle for `idleMs` (or older than `maxAgeMs`). */
  takeDue(nowMs: number): KeyedTask[] {
    const due: KeyedTask[] = [];
    for (const [key, task] of this.tasks) {
      if (nowMs - task.lastSeenMs >= this.idleMs || nowMs - task.firstSeenMs >= this.maxAgeMs) {
        due.push(task);
        this.tasks.delete(key);
        this.entries -= task.size;
      }
    }
    return due;
  }

  /** Removes and returns every open task. */
  takeAll(): KeyedTask[] {
    const all = [...this.tasks.values()];
    this.tasks.clear();
    this.entries = 0;
    return all;
  }
}
