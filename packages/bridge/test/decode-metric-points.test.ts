import { describe, expect, it } from 'vitest';
import { decodeMetricPoints } from '../src/decode/decode-metric-points.js';
import { OtlpTypes } from '../src/decode/otlp-root.js';
import type { MetricFilter } from '../src/model/metric-filter.js';
import { toProtobuf } from './support/captures.js';

const FILTER: MetricFilter = {
  names: new Set(['tokens']),
  attributeKeys: new Set(['type']),
  resource: new Map([
    ['service.name', 1024],
    ['session.id', 1024],
    ['service.instance.id', 1024],
    ['mosaic.task.type', 1024],
  ]),
};
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One resource, one scope, the given metrics. */
const request = (metrics: unknown[], resource = [kv('service.name', 'agent')]) => ({
  resourceMetrics: [
    { resource: { attributes: resource }, scopeMetrics: [{ scope: { name: 's' }, metrics }] },
  ],
});

const point = (value: Record<string, unknown>, attrs = [kv('type', 'input')]) => ({
  attributes: attrs,
  startTimeUnixNano: '1000000000',
  timeUnixNano: '2000000000',
  ...value,
});

describe('decodeMetricPoints', () => {
  it('reads monotonic sums (int or double) and histogram sums of declared metrics, both temporalities', () => {
    const decoded = decodeMetricPoints(
      request([
        {
          name: 'tokens',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [point({ asInt: '12' })],
          },
        },
        {
          name: 'tokens',
          sum: {
            aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
            isMonotonic: true,
            dataPoints: [point({ asDouble: 3.5 })],
          },
        },
        {
          name: 'tokens',
          histogram: { aggregationTemporality: 1, dataPoints: [point({ count: '2', sum: 40 })] },
        },
      ]),
      FILTER,
    );
    expect(decoded.dataPoints).toBe(3);
    expect(decoded.records.map((p) => [p.temporality, p.value, p.startMs, p.timeMs])).toEqual([
      ['cumulative', 12, 1000, 2000],
      ['delta', 3.5, 1000, 2000],
      ['delta', 40, 1000, 2000],
    ]);
  });

  it('counts but does not read undeclared metrics, gauges, up-down sums, unknown temporality, empty or negative points', () => {
    const decoded = decodeMetricPoints(
      request([
        {
          name: 'other',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [point({ asInt: '1' })],
          },
        },
        { name: 'tokens', gauge: { dataPoints: [point({ asInt: '1' })] } },
        {
          name: 'tokens',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: false,
            dataPoints: [point({ asInt: '1' })],
          },
        },
        {
          name: 'tokens',
          sum: {
            aggregationTemporality: 0,
            isMonotonic: true,
            dataPoints: [point({ asInt: '1' })],
          },
        },
        {
          name: 'tokens',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [point({ asInt: '1', flags: 1 }), point({ asDouble: -1 }), point({})],
          },
        },
        {
          name: 'tokens',
          histogram: { aggregationTemporality: 2, dataPoints: [point({ count: '1' })] },
        },
      ]),
      FILTER,
    );
    expect(decoded.dataPoints).toBe(8);
    expect(decoded.records).toEqual([]);
  });

  it('keeps declared attributes only, yet tells streams apart by all of them', () => {
    const decoded = decodeMetricPoints(
      request(
        [
          {
            name: 'tokens',
            sum: {
              aggregationTemporality: 2,
              isMonotonic: true,
              dataPoints: [
                point({ asInt: '1' }, [kv('type', 'input'), kv('user.email', 'a@example.com')]),
                point({ asInt: '2' }, [kv('type', 'input'), kv('user.email', 'b@example.com')]),
              ],
            },
          },
        ],
        [
          kv('service.name', 'agent'),
          kv('process.command_args', 'secret prompt'),
          kv('mosaic.task.type', 'bugfix'),
        ],
      ),
      FILTER,
    );
    const [a, b] = decoded.records;
    expect(a?.attributes).toEqual({ type: 'input' });
    expect(b?.attributes).toEqual({ type: 'input' });
    expect(a?.stream).not.toBe(b?.stream);
    expect(a?.resourceAttributes).toEqual({
      'service.name': 'agent',
      'mosaic.task.type': 'bugfix',
    });
    expect(JSON.stringify(decoded)).not.toMatch(/example\.com|secret prompt/);
  });

  it('reads the protobuf message as the JSON one', () => {
    const json = request([
      {
        name: 'tokens',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [point({ asInt: '7' }), point({ asDouble: 2.5 })],
        },
      },
      {
        name: 'tokens',
        histogram: { aggregationTemporality: 1, dataPoints: [point({ count: '1', sum: 9 })] },
      },
    ]);
    const message = OtlpTypes.metricsRequest.decode(toProtobuf('metrics', json));
    const fromJson = decodeMetricPoints(json, FILTER);
    const fromProtobuf = decodeMetricPoints(message, FILTER);
    expect(fromProtobuf).toEqual(fromJson);
    expect(fromJson.records.map((p) => p.value)).toEqual([7, 2.5, 9]);
  });

  it('never throws on malformed input', () => {
    for (const bad of [
      null,
      1,
      'x',
      { resourceMetrics: 'x' },
      {
        resourceMetrics: [
          null,
          { scopeMetrics: [null, { metrics: [null, { name: 'tokens', sum: null }] }] },
        ],
      },
    ]) {
      expect(decodeMetricPoints(bad, FILTER).records).toEqual([]);
    }
  });
});
