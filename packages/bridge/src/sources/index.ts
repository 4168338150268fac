import type { SpanRecord } from '../model/exporter-core.js';
import type { KeyedRequest } from '../model/keyed-request.js';
import type { MetricFilter } from '../model/metric-filter.js';
import { TASK_RECORD_RESOURCE_KEYS } from '../model/task-record-reads.js';
import type { IncompleteTaskCounter, TraceTaskReader } from '../model/trace-task.js';
import { claudeCodeMetrics } from './claude-code/claude-code-metrics.js';
import { claudeCode } from './claude-code/index.js';
import { codex } from './codex/index.js';
import { continueCli } from './continue-cli.js';
import { copilot } from './copilot.js';
import { explicitTask } from './explicit-task.js';
import { gemini } from './gemini.js';
import { genAiMetrics } from './gen-ai-metrics.js';
import { invokeAgent } from './invoke-agent.js';
import { kiloCode } from './kilo-code.js';
import { openCode } from './opencode.js';
import { qwenCode } from './qwen-code.js';
import type { LogReader, Source } from './source.js';
import { buildSpanFilter } from './span-relevance.js';

export type { LogReader, LogReading, MetricReading, Source } from './source.js';

/**
 * The sources in order of precedence: a span that is (or lies beneath) a task of an earlier source
 * is never a task of a later one. Everything the pipeline and the decode path know of sources is
 * built from this list.
 */
export const SOURCES: readonly Source[] = [
  explicitTask,
  claudeCode,
  codex,
  gemini,
  qwenCode,
  kiloCode,
  openCode,
  copilot,
  invokeAgent,
  continueCli,
  claudeCodeMetrics,
  genAiMetrics,
];

/** The decode path's filter: the spans some source reads, and the attributes it keeps of them. */
export const SPAN_FILTER = buildSpanFilter(SOURCES, TASK_RECORD_RESOURCE_KEYS);

/** The decode path's filter of metric data points: the metrics and attributes some source reads. */
export const METRIC_FILTER: MetricFilter = {
  names: new Set(SOURCES.flatMap((s) => s.reads.metricNames ?? [])),
  attributeKeys: new Set(SOURCES.flatMap((s) => s.reads.metricAttributeKeys ?? [])),
  resource: SPAN_FILTER.kept.resource,
};

/** The source reading each metric name (the first in precedence order that declares it). */
export const METRIC_READERS: ReadonlyMap<string, Source> = new Map(
  [...SOURCES]
    .reverse()
    .flatMap((s) =>
      s.readMetric === undefined ? [] : (s.reads.metricNames ?? []).map((n) => [n, s] as const),
    ),
);

/** The trace readers, in precedence order. */
export const TRACE_TASK_READERS: readonly TraceTaskReader[] = SOURCES.flatMap((s) =>
  s.traceTasks === undefined ? [] : [s.traceTasks],
);

/** The counters of incomplete tasks, in precedence order. */
export const INCOMPLETE_TASK_COUNTERS: readonly IncompleteTaskCounter[] = SOURCES.flatMap((s) =>
  s.incompleteTasks === undefined ? [] : [s.incompleteTasks],
);

/** Whether a span completes a task of its trace (in any source). */
export function completesTask(span: SpanRecord): boolean {
  for (const s of SOURCES) if (s.completesTask?.(span) === true) return true;
  return false;
}

/** Whether a span opens a task whose data comes later, or brings that data (in any source). */
export function awaitedData(span: SpanRecord): 'opens' | 'brings' | undefined {
  for (const s of SOURCES) {
    const awaited = s.awaitedData?.(span);
    if (awaited !== undefined) return awaited;
  }
  return undefined;
}

/** A span read as a model request of a keyed task (Gemini's `llm_call`), if a source reads it so. */
export function keyedRequestOf(span: SpanRecord): KeyedRequest | undefined {
  for (const s of SOURCES) {
    const request = s.keyedRequestOf?.(span);
    if (request !== undefined) return request;
  }
  return undefined;
}

/** Fresh log readers (one bridge's), by the log event names each source declared. */
export function createLogReaders(): ReadonlyMap<string, LogReader> {
  const readers = new Map<string, LogReader>();
  for (const s of SOURCES) {
    const read = s.logReader?.();
    if (read === undefined) continue;
    for (const event of s.reads.logEvents ?? []) readers.set(event, read);
  }
  return readers;
}

/** The source of each keyed source name (`KeyedRequest.source`). */
export const SOURCE_OF_KEYED: ReadonlyMap<string, Source> = new Map(
  SOURCES.flatMap((s) => (s.keyedSource === undefined ? [] : [[s.keyedSource, s] as const])),
);
