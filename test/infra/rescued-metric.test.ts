import { describe, expect, it } from 'vitest';
import { RESCUED_METRIC, rescuedMetricLine } from '../../lambdas/entry/rescued-metric';

describe('the rescued-workflows metric line', () => {
  it('is embedded-metric-format JSON carrying the count under the name and dimension the alarm reads', () => {
    const line = JSON.parse(rescuedMetricLine('baton-reconcile', 3, 1_700_000_000_000));
    expect(line).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: RESCUED_METRIC.namespace,
            Dimensions: [[RESCUED_METRIC.dimension]],
            Metrics: [{ Name: RESCUED_METRIC.name, Unit: 'Count' }],
          },
        ],
      },
      FunctionName: 'baton-reconcile',
      WorkflowsRescued: 3,
    });
  });

  it('is a single line, as CloudWatch Logs reads one log event per line', () => {
    expect(rescuedMetricLine('baton-reconcile', 0, 0)).not.toContain('\n');
  });
});
