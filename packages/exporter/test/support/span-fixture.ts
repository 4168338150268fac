import { readFileSync, writeFileSync } from 'node:fs';
import {
  type AttributeValue,
  type Context,
  context,
  type Span,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** One span of a captured framework trace, as stored in test/fixtures/*.json. */
export interface FixtureSpan {
  /** Stable id within the fixture (s1, s2, ... in start order). */
  readonly id: string;
  /** Parent's fixture id; null for the spans at the top of the captured tree. */
  readonly parent: string | null;
  readonly name: string;
  /** Instrumentation scope name. */
  readonly scope: string;
  /** Position among the ends (0 = ended first). */
  readonly endOrder: number;
  readonly attributes: Record<string, AttributeValue>;
}

/** Keys that carry prompts, completions, tool payloads or per-run values: never stored. */
const DROPPED_KEY =
  /^(ai\.prompt|ai\.response\.(text|object|toolCalls|reasoning|providerMetadata|timestamp|id|msToFirstChunk|msToFinish|avgOutputTokensPerSecond)|ai\.toolCall\.(args|result)|ai\.request\.headers|gen_ai\.(prompt|completion|input\.messages|output\.messages|system_instructions|response\.id)|server\.port)/;
/** Any other key naming content is dropped too, unless it is a token count. */
const CONTENT_KEY = /prompt|message|content|completion|text$/i;
const COUNT_KEY = /usage|token/i;

function keep(key: string): boolean {
  if (DROPPED_KEY.test(key)) return false;
  return !CONTENT_KEY.test(key) || COUNT_KEY.test(key);
}

/** A span processor that remembers every span it sees start and end. */
export class CapturingSpanProcessor implements SpanProcessor {
  readonly started: ReadableSpan[] = [];
  readonly ended: ReadableSpan[] = [];
  onStart(span: Span): void {
    this.started.push(span as unknown as ReadableSpan);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** The spans beneath `root` (excluded) as fixture spans, content attributes removed. */
  fixtureUnder(root: ReadableSpan): FixtureSpan[] {
    const ids = new Map<string, string>();
    const below = (span: ReadableSpan): boolean => {
      const parent = span.parentSpanContext?.spanId;
      return parent === root.spanContext().spanId || (parent !== undefined && ids.has(parent));
    };
    const spans: FixtureSpan[] = [];
    for (const span of this.started) {
      if (!below(span)) continue;
      const id = `s${ids.size + 1}`;
      ids.set(span.spanContext().spanId, id);
      const parent = ids.get(span.parentSpanContext?.spanId ?? '') ?? null;
      const attributes: Record<string, AttributeValue> = {};
      for (const key of Object.keys(span.attributes).sort()) {
        const value = span.attributes[key];
        if (value !== undefined && keep(key)) attributes[key] = value;
      }
      spans.push({
        id,
        parent,
        name: span.name,
        scope: span.instrumentationScope.name,
        endOrder: this.ended.indexOf(span),
        attributes,
      });
    }
    return spans;
  }
}

/** Reads a fixture, or (with MOSAIC_UPDATE_FIXTURES=1) first rewrites it from `captured`. */
export function loadFixture(url: URL, captured?: FixtureSpan[]): FixtureSpan[] {
  if (captured !== undefined && process.env.MOSAIC_UPDATE_FIXTURES === '1') {
    writeFileSync(url, `${JSON.stringify(captured, null, 2)}\n`);
  }
  return JSON.parse(readFileSync(url, 'utf8')) as FixtureSpan[];
}

/**
 * Re-creates a captured span tree with real spans of `provider`: starts them in fixture order
 * (each under its parent, the top ones under `parentContext`), then ends them in captured order.
 */
export function replayFixture(
  provider: TracerProvider,
  spans: readonly FixtureSpan[],
  parentContext: Context = context.active(),
): void {
  const live = new Map<string, Span>();
  for (const s of spans) {
    const parentSpan = s.parent === null ? undefined : live.get(s.parent);
    const ctx = parentSpan === undefined ? parentContext : trace.setSpan(parentContext, parentSpan);
    live.set(
      s.id,
      provider.getTracer(s.scope).startSpan(s.name, { attributes: s.attributes }, ctx),
    );
  }
  for (const s of [...spans].sort((a, b) => a.endOrder - b.endOrder)) live.get(s.id)?.end();
}
