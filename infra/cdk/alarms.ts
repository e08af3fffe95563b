import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RESCUED_METRIC } from '../../lambdas/entry/rescued-metric';

const ONE_MINUTE = Duration.minutes(1);

/** Creates alarms that all notify the same (optional) topic. */
export class EngineAlarms {
  readonly alarms: Alarm[] = [];
  private readonly actions: IAlarmAction[];

  constructor(
    private readonly scope: Construct,
    topic: ITopic | undefined,
  ) {
    this.actions = topic ? [new SnsAction(topic)] : [];
  }

  /** Any message in a dead-letter queue is work the engine gave up on: someone must look. */
  deadLetters(id: string, queue: IQueue): Alarm {
    return this.add(id, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      description: 'Messages reached a dead-letter queue; they will not be retried on their own.',
    });
  }

  /** A queue falling behind shows in its oldest message's age before its depth looks unusual. */
  oldestMessageAge(id: string, queue: IQueue, thresholdSeconds: number): Alarm {
    return this.add(id, {
      metric: queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      threshold: thresholdSeconds,
      evaluationPeriods: 5,
      description: `A message has waited over ${thresholdSeconds} s: the consumer is failing or throttled.`,
    });
  }

  /** Reads the metric the reconcile entry writes (lambdas/entry/rescued-metric.ts). */
  rescuedWorkflows(id: string, reconcile: IFunction, threshold: number): Alarm {
    const metric = new Metric({
      namespace: RESCUED_METRIC.namespace,
      metricName: RESCUED_METRIC.name,
      dimensionsMap: { [RESCUED_METRIC.dimension]: reconcile.functionName },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    return this.add(id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      description: 'The reconcile rescued workflows whose decide was lost; a healthy engine rescues none.',
    });
  }

  private add(
    id: string,
    props: { metric: Metric; threshold: number; evaluationPeriods: number; description: string },
  ) {
    const alarm = new Alarm(this.scope, id, {
      metric: props.metric,
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means an idle queue or a reconcile with nothing to report: both healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: props.description,
    });
    for (const action of this.actions) alarm.addAlarmAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
