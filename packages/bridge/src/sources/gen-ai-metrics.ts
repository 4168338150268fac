import type { MetricPoint } from '../model/metric-point.js';
import { SENDER_SESSION_RESOURCE_KEYS } from '../model/sender-session.js';
import { anyKeyReported } from './any-key-reported.js';
import { textAttr } from './read-attribute.js';
import type { MetricReading, Source } from './source.js';

/** The OTel GenAI client metric of tokens used, a histogram by `gen_ai.token.type`. */
const TOKENS = 'gen_ai.client.token.usage';

/**
 * The OTel GenAI semantic conventions' `gen_ai.client.token.usage` histogram (its sum, by
 * `gen_ai.token.type` input/output, and the response's or else the request's model), from any
 * GenAI instrumentation: one task per sender session. It carries no cost, so the tokens are priced
 * from the price table (input as uncached: the metric has no cache breakdown). A sender whose
 * spans or logs of the same session make tasks is reported from those.
 */
export const genAiMetrics: Source = {
  name: 'GenAI token usage metric',
  reads: {
    metricNames: [TOKENS],
    metricAttributeKeys: [
      'gen_ai.token.type',
      'gen_ai.response.model',
      'gen_ai.request.model',
      'session.id',
    ],
    resourceKeys: SENDER_SESSION_RESOURCE_KEYS,
  },
  readMetric(point: MetricPoint): MetricReading | undefined {
    const type = point.attributes['gen_ai.token.type'];
    if (type !== 'input' && type !== 'output') return undefined;
    const model =
      textAttr(point.attributes, 'gen_ai.response.model') ??
      textAttr(point.attributes, 'gen_ai.request.model');
    return { counts: type, model, priced: true };
  },
  keyedSource: 'gen_ai.metrics',
  isCovered: anyKeyReported,
};
