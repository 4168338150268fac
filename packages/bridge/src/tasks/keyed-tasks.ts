import { type KeyedRequest, keyOf } from '../model/keyed-request.js';
import { KeyedTask } from './keyed-task.js';

/** Tasks known by (session, prompt), open until idle, oldest first. */
export class KeyedTasks {
  private readonly tasks = new Map<string, KeyedTask>();
  /** The open task of each cover key its records named (`KeyedRequest.coverKey`). */
  private readonly byCoverKey = new Map<string, KeyedTask>();
  /** Requests held across all tasks. */
  entries = 0;
  /** Bytes held across all tasks, estimated as records are kept (`estimate-bytes`). */
  bytes = 0;

  constructor(
    private readonly maxTasks: number,
    private readonly idleMs: number,
    private readonly maxAgeMs: number,
    /** A task that holds this many bytes closes early (counted, like one over `maxTasks`). */
    private readonly maxTaskBytes: number,
  ) {}

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Adds a request; returns the tasks closed early: the oldest beyond `maxTasks`, and this one
   * once it holds `maxTaskBytes`.
   */
  add(r: KeyedRequest, nowMs: number): KeyedTask[] {
    const key = keyOf(r);
    let task = this.tasks.get(key);
    const closed: KeyedTask[] = [];
    if (task === undefined) {
      if (this.tasks.size >= this.maxTasks) {
        const [oldestKey, oldest] = this.tasks.entries().next().value as [string, KeyedTask];
        closed.push(this.remove(oldestKey, oldest));
      }
      task = new KeyedTask(r, nowMs);
      this.tasks.set(key, task);
      this.bytes += task.bytes;
    }
    const before = task.size;
    const bytesBefore = task.bytes;
    task.add(r, nowMs);
    // A metrics task spans a whole session: no traced task of one prompt joins it.
    if (r.coverKey !== undefined && r.from !== 'metrics') this.byCoverKey.set(r.coverKey, task);
    this.entries += task.size - before;
    this.bytes += task.bytes - bytesBefore;
    if (task.bytes >= this.maxTaskBytes) closed.push(this.remove(key, task));
    return closed;
  }

  private remove(key: string, task: KeyedTask): KeyedTask {
    this.tasks.delete(key);
    for (const cover of task.coverKeys) {
      if (this.byCoverKey.get(cover) === task) this.byCoverKey.delete(cover);
    }
    this.entries -= task.size;
    this.bytes -= task.bytes;
    return task;
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
        due.push(this.remove(key, task));
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
    this.bytes = 0;
    return all;
  }
}
