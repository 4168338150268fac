import { describe, expect, it } from 'vitest';
import { decodeLogRecords } from '../src/decode/decode-log-records.js';
import { decodeSpans } from '../src/decode/decode-spans.js';
import { hexId } from '../src/decode/hex-id.js';
import { int64ToNumber, nanosToMillis } from '../src/decode/nanos-to-millis.js';
import { OtlpTypes } from '../src/decode/otlp-root.js';
import { readAttributes } from '../src/decode/read-attributes.js';
import { BoundedMap } from '../src/model/bounded-map.js';
import { SPAN_FILTER } from '../src/sources/index.js';
import { inferProvider } from '../src/sources/infer-provider.js';
import { toProtobuf } from './support/captures.js';
import {
  hex,
  keyValues,
  logRecord,
  logsRequest,
  span,
  tracesRequest,
} from './support/otlp-json.js';

describe('decode', () => {
  describe('int64ToNumber', () => {
    it('reads decimal strings, numbers and protobufjs longs, signed and unsigned', () => {
      expect(int64ToNumber('1796161653785000000')).toBe(1796161653785000000);
      expect(int64ToNumber(42)).toBe(42);
      expect(int64ToNumber({ low: 5, high: 0 })).toBe(5);
      expect(int64ToNumber({ low: -1, high: -1, unsigned: false })).toBe(-1);
      expect(int64ToNumber({ low: -1, high: 0, unsigned: true })).toBe(4294967295);
    });

    it('gives undefined for anything else', () => {
      for (const v of ['', '1.5', 'x', Number.NaN, Number.POSITIVE_INFINITY, null, {}, true]) {
        expect(int64ToNumber(v)).toBeUndefined();
      }
      expect(nanosToMillis('0')).toBe(0);
      expect(nanosToMillis(undefined)).toBe(0);
      expect(nanosToMillis('1500000')).toBe(1.5);
    });
  });

  describe('hexId', () => {
    it('reads hex strings and bytes, refusing wrong lengths, non-hex and all-zero ids', () => {
      expect(hexId('ABCDEF0123456789', 8)).toBe('abcdef0123456789');
      expect(hexId(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 8)).toBe('0102030405060708');
      expect(hexId(Buffer.alloc(16, 0xff), 16)).toBe('f'.repeat(32));
      expect(hexId('0'.repeat(16), 8)).toBeUndefined();
      expect(hexId(Buffer.alloc(8), 8)).toBeUndefined();
      expect(hexId('zz'.repeat(8), 8)).toBeUndefined();
      expect(hexId('abc', 8)).toBeUndefined();
      expect(hexId(Buffer.alloc(4, 1), 8)).toBeUndefined();
      expect(hexId(12, 8)).toBeUndefined();
    });
  });

  describe('readAttributes', () => {
    it('reads every primitive, arrays of primitives, and skips kvlists, bytes and broken entries', () => {
      const every = new Map(
        ['s', 'i', 'd', 'b', 'arr', 'kv', 'n', 'ds', 'bytes', 'empty'].map((k) => [k, 99]),
      );
      const attrs = readAttributes(
        [
          ...(keyValues({
            s: 'x',
            i: 3,
            d: 1.5,
            b: true,
            arr: ['a', 1],
            kv: { a: 'b' },
          }) as never[]),
          { key: 'n', value: { intValue: 7 } },
          { key: 'ds', value: { doubleValue: '2.5' } },
          { key: 'bytes', value: { bytesValue: 'AAEC' } as never },
          { key: 'empty', value: {} },
          { key: 5, value: { stringValue: 'no' } } as never,
          null as never,
        ],
        every,
      );
      expect(attrs).toEqual({ s: 'x', i: 3, d: 1.5, b: true, arr: ['a', 1], n: 7, ds: 2.5 });
      expect(readAttributes(undefined, every)).toEqual({});
    });

    it('reads protobuf-decoded values by their set oneof member', () => {
      const traceId = hex(16);
      const body = tracesRequest({ 'service.name': 'x' }, [
        span({
          traceId,
          name: 'ai.x',
          attributes: {
            model: '',
            input_tokens: 0,
            success: false,
            'mosaic.quality.gates_run': [],
            'session.id': 'y',
          },
        }),
      ]);
      const decoded = decodeSpans(
        OtlpTypes.traceRequest.decode(toProtobuf('traces', body)),
        SPAN_FILTER,
      );
      expect(decoded.records[0]?.attributes).toEqual({
        model: '',
        input_tokens: 0,
        success: false,
        'mosaic.quality.gates_run': [],
        'session.id': 'y',
      });
      expect(decoded.records[0]?.resourceAttributes).toEqual({ 'service.name': 'x' });
    });
  });

  describe('decodeSpans', () => {
    it('keeps dialect spans whole and others as parent links, numbering kinds from the API', () => {
      const traceId = hex(16);
      const root = hex(8);
      const body = tracesRequest({}, [
        {
          ...span({ traceId, spanId: root, name: 'SessionPrompt.prompt' }),
          kind: 'SPAN_KIND_SERVER',
        },
        span({
          traceId,
          parentSpanId: root,
          name: 'sql.execute',
          attributes: { 'db.statement': 'x' },
        }),
        { ...span({ traceId, name: 'x' }), traceId: '' },
        null as never,
      ]);
      const decoded = decodeSpans(body, SPAN_FILTER);
      expect(decoded.records).toHaveLength(1);
      expect(decoded.records[0]).toMatchObject({
        name: 'SessionPrompt.prompt',
        kind: 1,
        parentSpanId: undefined,
      });
      expect(decoded.links).toHaveLength(3);
      expect(decoded.links[2]).toBe(root);
      expect(decoded.rejected).toBe(2);
      expect(decodeSpans({ resourceSpans: 'x' }, SPAN_FILTER).records).toEqual([]);
    });
  });

  describe('decodeLogRecords', () => {
    it('names events by attribute, then field, then a claude_code body; times fall back to observed', () => {
      const body = logsRequest({ 'service.name': 's' }, [
        logRecord('a.attr', {}),
        logRecord('b.field', {}, { nameIn: 'field' }),
        logRecord('claude_code.c', {}, { nameIn: 'body' }),
        logRecord('plain', {}, { nameIn: 'body' }),
        { timeUnixNano: '2000000', attributes: [] },
      ]);
      const { records } = decodeLogRecords(body, SPAN_FILTER.kept);
      expect(records.map((r) => r.eventName)).toEqual([
        'a.attr',
        'b.field',
        'claude_code.c',
        undefined,
        undefined,
      ]);
      expect(records[4]?.timeMs).toBe(2);
      expect(records[0]?.timeMs).toBeGreaterThan(1_700_000_000_000);
      expect(decodeLogRecords({}, SPAN_FILTER.kept).records).toEqual([]);
    });
  });
});

describe('helpers', () => {
  it('infers providers from model names', () => {
    expect(inferProvider('gpt-5.5')).toBe('openai');
    expect(inferProvider('o3-mini')).toBe('openai');
    expect(inferProvider('claude-x')).toBe('anthropic');
    expect(inferProvider('gemini-3')).toBe('google');
    expect(inferProvider('codestral')).toBe('mistral');
    expect(inferProvider('llama')).toBe('custom');
    expect(inferProvider(undefined)).toBeUndefined();
  });

  it('BoundedMap forgets the oldest entry beyond its capacity', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect(map.has('b')).toBe(false);
    expect(map.get('a')).toBe(3);
    expect(map.size).toBe(2);
    expect([...map.values()]).toEqual([3, 4]);
  });
});
