import type { Context } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { SpanProcessorLike } from '../../src/otel/otel-types.js';
import { attachSpanProcessor, isAttachable } from '../../src/registration/attach-span-processor.js';
import { RegisteredSpanProcessor } from '../../src/registration/registered-span-processor.js';

/** A processor that records what the provider calls on it. */
class RecordingProcessor implements SpanProcessorLike {
  readonly calls: string[] = [];
  onStart(span: Span, _ctx: Context): void {
    this.calls.push(`start ${span.name}`);
  }
  onEnd(span: ReadableSpan): void {
    this.calls.push(`end ${span.name}`);
  }
  async forceFlush(): Promise<void> {
    this.calls.push('flush');
  }
  async shutdown(): Promise<void> {
    this.calls.push('shutdown');
  }
}

describe('attachSpanProcessor', () => {
  describe('on an SDK 2.x BasicTracerProvider', () => {
    it('reaches tracers handed out before, the provider flush and shutdown', async () => {
      const app = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(app)] });
      const earlyTracer = provider.getTracer('early');
      const ours = new RecordingProcessor();

      expect(isAttachable(provider)).toBe(true);
      expect(attachSpanProcessor(provider, ours)).toBe('attached');
      earlyTracer.startSpan('one').end();
      provider.getTracer('late').startSpan('two').end();
      await provider.forceFlush();
      // The app's own processor is untouched.
      expect(app.getFinishedSpans().map((s) => s.name)).toEqual(['one', 'two']);
      await provider.shutdown();

      expect(ours.calls).toEqual([
        'start one',
        'end one',
        'start two',
        'end two',
        'flush',
        'shutdown',
      ]);
    });

    it('adds no second Mosaic processor to a provider that has one', () => {
      const registered = new RegisteredSpanProcessor(new RecordingProcessor());
      const provider = new BasicTracerProvider({ spanProcessors: [registered] });

      expect(attachSpanProcessor(provider, new RecordingProcessor())).toBe('already-attached');
    });
  });

  describe('on anything else', () => {
    it('leaves a provider without the SDK internals alone', () => {
      const custom = { getTracer: () => ({}) };

      expect(isAttachable(custom)).toBe(false);
      expect(attachSpanProcessor(custom, new RecordingProcessor())).toBe('unsupported');
      expect(attachSpanProcessor(undefined, new RecordingProcessor())).toBe('unsupported');
    });

    it('uses addSpanProcessor where an SDK 1.x provider has it', () => {
      const added: unknown[] = [];
      const legacy = { getTracer: () => ({}), addSpanProcessor: (p: unknown) => added.push(p) };
      const ours = new RecordingProcessor();

      expect(attachSpanProcessor(legacy, ours)).toBe('attached');
      expect(added).toEqual([ours]);
    });
  });
});
