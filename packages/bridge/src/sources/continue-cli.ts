import type { MetricPoint } from '../model/metric-point.js';
import { SENDER_SESSION_RESOURCE_KEYS } from '../model/sender-session.js';
import { anyKeyReported } from './any-key-reported.js';
import { textAttr } from './read-attribute.js';
import type { MetricReading, Source } from './source.js';

const TOKENS = 'continue_cli_token_usage';
const COST = 'continue_cli_cost_usage';

/**
 * Continue CLI (`cn`), which exports metrics only: `continue_cli_token_usage` by `type`
 * (input/output; input includes cached tokens) and `model`, cumulative per process, and
 * `continue_cli_cost_usage` in USD (Continue's own price), which is the task's cost. Its resource
 * names no session, so one task is one process's run (until idle).
 */
export const continueCli: Source = {
  name: 'Continue CLI',
  reads: {
    metricNames: [TOKENS, COST],
    metricAttributeKeys: ['type', 'model'],
    resourceKeys: SENDER_SESSION_RESOURCE_KEYS,
  },
  readMetric(point: MetricPoint): MetricReading | undefined {
    const model = textAttr(point.attributes, 'model');
    if (point.metric === COST) {
      return point.unit === 'USD' ? { counts: 'costUsd', model, priced: false } : undefined;
    }
    const type = point.attributes.type;
    if (type !== 'input' && type !== 'output') return undefined;
    return { counts: type, model, priced: false };
  },
  keyedSource: 'continue_cli.metrics',
  isCovered: anyKeyReported,
};
