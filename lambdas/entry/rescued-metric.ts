/**
 * The metric the reconcile writes and the stack's alarm watches: workflows the minute reconcile had
 * to rescue. A healthy system rescues none, so any sustained count means decide requests are lost.
 */
export const RESCUED_METRIC = {
  namespace: 'Baton',
  name: 'WorkflowsRescued',
  dimension: 'FunctionName',
} as const;

/**
 * One line in CloudWatch's embedded metric format. CloudWatch Logs turns it into a data point as it
 * ingests the function's log, so the function needs no PutMetricData call nor permission for one.
 */
export const rescuedMetricLine = (functionName: string, rescued: number, timestamp: number): string =>
  JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: RESCUED_METRIC.namespace,
          Dimensions: [[RESCUED_METRIC.dimension]],
          Metrics: [{ Name: RESCUED_METRIC.name, Unit: 'Count' }],
        },
      ],
    },
    [RESCUED_METRIC.dimension]: functionName,
    [RESCUED_METRIC.name]: rescued,
  });
