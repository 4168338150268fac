import type { TaskDraft } from '../model/task-draft.js';

/** A traced task waiting, and until when. */
interface Awaiting {
  readonly draft: TaskDraft;
  readonly dueMs: number;
}

/**
 * Traced tasks whose log records (`TaskDraft.covers`) have not arrived yet, oldest first: each
 * waits up to `waitMs` for a log record with one of its keys (then it is joined to that log-derived
 * task), else it is reported alone.
 */
export class AwaitingLogs {
  private readonly drafts = new Map<TaskDraft, Awaiting>();
  private readonly byKey = new Map<string, TaskDraft>();

  constructor(
    private readonly waitMs: number,
    private readonly maxTasks: number,
  ) {}

  get size(): number {
    return this.drafts.size;
  }

  /** Adds a traced task; returns a task given up early to stay within `maxTasks`, if any. */
  add(draft: TaskDraft, nowMs: number): TaskDraft | undefined {
    let evicted: TaskDraft | undefined;
    if (this.drafts.size >= this.maxTasks) {
      evicted = this.drafts.keys().next().value as TaskDraft;
      this.remove(evicted);
    }
    this.drafts.set(draft, { draft, dueMs: nowMs + this.waitMs });
    for (const key of draft.covers ?? []) this.byKey.set(key, draft);
    return evicted;
  }

  /** Removes and returns the traced task with this key, if one waits. */
  take(key: string): TaskDraft | undefined {
    const draft = this.byKey.get(key);
    if (draft !== undefined) this.remove(draft);
    return draft;
  }

  /** Removes and returns the tasks that waited `waitMs`. */
  takeDue(nowMs: number): TaskDraft[] {
    const due: TaskDraft[] = [];
    for (const { draft, dueMs } of this.drafts.values()) if (nowMs >= dueMs) due.push(draft);
    for (const draft of due) this.remove(draft);
    return due;
  }

  /** Removes and returns every waiting task. */
  takeAll(): TaskDraft[] {
    const all = [...this.drafts.keys()];
    this.drafts.clear();
    this.byKey.clear();
    return all;
  }

  private remove(draft: TaskDraft): void {
    this.drafts.delete(draft);
    for (const key of draft.covers ?? []) {
      if (this.byKey.get(key) === draft) this.byKey.delete(key);
    }
  }
}
