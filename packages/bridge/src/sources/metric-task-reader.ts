import { BoundedMap } from '../model/bounded-map.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { MetricPoint } from '../model/metric-point.js';
import type { MetricStreamState } from '../model/metric-stream-state.js';
import type { ModelRequest } from '../model/model-request.js';
import { sessionCoverKey } from '../model/sender-session.js';
import { inferProvider } from './infer-provider.js';
import { MetricDeltas } from './metric-deltas.js';
import { priceRequest } from './price-request.js';
import type { MetricReading, Source } from './source.js';

/** Limits of a {@link MetricTaskReader}: the keyed tasks' idle and age limits, and memory caps. */
export interface MetricTaskReaderOptions {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  /** Streams whose last cumulative value is remembered. */
  readonly maxStreams: number;
  /** Sender sessions whose open task is remembered. */
  readonly maxSessions: number;
  /** Hears each stream's new last point, for the spool (see `MetricDeltas`). */
  readonly onStreamState?: (stream: string, state: MetricStreamState) => void;
}

interface OpenTask {
  /** The time of the task's first counted point (ms), as text: part of its key and event id seed. */
  readonly epoch: string;
  readonly firstMs: number;
  lastMs: number;
}

/** A sender session's key among the open tasks. */
const sessionKey = (source: string, sessionId: string): string => `${source}\u0000${sessionId}`;

const BREAKDOWN_PART = {
  input: 'uncachedInputTokens',
  cacheRead: 'cacheReadTokens',
  cacheWrite: 'cacheWriteTokens',
  output: 'outputTokens',
} as const;

/**
 * Turns metric data points into requests of keyed tasks, one task per sender session (the
 * point's `session.id`, else the resource's `session.id`, else `service.instance.id`, else the
 * resource): each counted point's delta (see `MetricDeltas`) is one request. A session's task
 * closes as keyed tasks do (idle for `idleMs`, or `maxAgeMs` old); its next delta opens a new task,
 * keyed by the time of its first point (a stream's points are counted only in increasing time), so
 * a replay of the same points gives the same event id. After a restart, {@link restore} takes back
 * the streams' last points and the sessions' open tasks from the spool, so neither a stream's
 * next point counts whole again nor a session's next delta opens a second task.
 */
export class MetricTaskReader {
  private readonly deltas: MetricDeltas;
  private readonly open: BoundedMap<string, OpenTask>;

  constructor(
    /** The source reading each metric name. */
    private readonly readers: ReadonlyMap<string, Source>,
    private readonly options: MetricTaskReaderOptions,
  ) {
    this.deltas = new MetricDeltas(options.maxStreams, options.onStreamState);
    this.open = new BoundedMap(options.maxSessions);
  }

  /**
   * Takes back what a spool kept: the streams' last points, and the open tasks of metric sessions
   * (their records, as `read` gave them), each open as of `nowMs`, as the restored tasks are.
   */
  restore(
    streams: readonly (readonly [stream: string, state: MetricStreamState])[],
    records: readonly KeyedRequest[],
    nowMs: number,
  ): void {
    this.deltas.restore(streams);
    for (const r of records) {
      if (r.from !== 'metrics') continue;
      this.open.set(sessionKey(r.source, r.sessionId), {
        epoch: r.promptId,
        firstMs: nowMs,
        lastMs: nowMs,
      });
    }
  }

  /** The point's request of its session's task, or undefined when it counts nothing new. */
  read(point: MetricPoint, nowMs: number): KeyedRequest | undefined {
    const source = this.readers.get(point.metric);
    const reading = source?.readMetric?.(point);
    if (source?.keyedSource === undefined || reading === undefined) return undefined;
    const delta = this.deltas.deltaOf(point);
    if (delta === undefined || delta.amount <= 0) return undefined;
    const session = point.attributes['session.id'];
    const sessionId =
      typeof session === 'string' && session.trim() !== '' ? session.trim() : point.senderSession;
    const epoch = this.epochOf(sessionKey(source.keyedSource, sessionId), point.timeMs, nowMs);
    return {
      source: source.keyedSource,
      sessionId,
      promptId: epoch,
      from: 'metrics',
      resourceAttributes: point.resourceAttributes,
      coverKey: sessionCoverKey(sessionId),
      request: requestOf(`${point.stream}@${point.timeMs}`, reading, delta),
    };
  }

  /** The open task of a session, or a new one when it has none or its task is due to close. */
  private epochOf(key: string, firstPointMs: number, nowMs: number): string {
    const task = this.open.get(key);
    const { idleMs, maxAgeMs } = this.options;
    if (task !== undefined && nowMs - task.lastMs < idleMs && nowMs - task.firstMs < maxAgeMs) {
      task.lastMs = nowMs;
      return task.epoch;
    }
    const epoch = String(firstPointMs);
    this.open.set(key, { epoch, firstMs: nowMs, lastMs: nowMs });
    return epoch;
  }
}

function requestOf(
  id: string,
  reading: MetricReading,
  delta: { amount: number; startMs: number; endMs: number },
): ModelRequest {
  const provider = inferProvider(reading.model);
  const base = {
    id,
    startMs: delta.startMs,
    endMs: delta.endMs,
    model: reading.model,
    provider,
    failed: false,
  };
  if (reading.counts === 'costUsd') {
    return { ...base, inputTokens: 0, outputTokens: 0, costMicros: Math.round(delta.amount * 1e6) };
  }
  const tokens = Math.round(delta.amount);
  const price = reading.priced
    ? priceRequest(
        provider,
        reading.model,
        {
          uncachedInputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          [BREAKDOWN_PART[reading.counts]]: tokens,
        },
        delta.endMs,
      )
    : undefined;
  return {
    ...base,
    inputTokens: reading.counts === 'output' ? 0 : tokens,
    outputTokens: reading.counts === 'output' ? tokens : 0,
    costMicros: price?.costMicros,
    uncosted: price?.uncosted,
  };
}
