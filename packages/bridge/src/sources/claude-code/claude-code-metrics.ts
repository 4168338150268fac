import type { MetricPoint } from '../../model/metric-point.js';
import { SENDER_SESSION_RESOURCE_KEYS } from '../../model/sender-session.js';
import { anyKeyReported } from '../any-key-reported.js';
import { textAttr } from '../read-attribute.js';
import type { MetricReading, Source } from '../source.js';

const TOKENS = 'claude_code.token.usage';
const COST = 'claude_code.cost.usage';

const PART: Readonly<Record<string, MetricReading['counts']>> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cacheRead',
  cacheCreation: 'cacheWrite',
};

/**
 * Claude Code with only its metrics enabled: `claude_code.token.usage` by `type`
 * (input/output/cacheRead/cacheCreation) and `model`, and `claude_code.cost.usage` (USD, the CLI's
 * own price), delta temporality by default, each point naming its `session.id`: one task per
 * session. A session whose logs or traces reach the bridge too is reported from those (one task
 * per prompt), and its metrics task is dropped.
 */
export const claudeCodeMetrics: Source = {
  name: 'Claude Code (metrics)',
  reads: {
    metricNames: [TOKENS, COST],
    metricAttributeKeys: ['type', 'model', 'session.id'],
    resourceKeys: SENDER_SESSION_RESOURCE_KEYS,
  },
  readMetric(point: MetricPoint): MetricReading | undefined {
    const model = textAttr(point.attributes, 'model');
    if (point.metric === COST) {
      return point.unit === 'USD' ? { counts: 'costUsd', model, priced: false } : undefined;
    }
    const type = point.attributes.type;
    const counts = typeof type === 'string' ? PART[type] : undefined;
    return counts === undefined ? undefined : { counts, model, priced: false };
  },
  keyedSource: 'claude_code.metrics',
  isCovered: anyKeyReported,
};
