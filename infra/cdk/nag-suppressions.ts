import { Validations } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/**
 * The AwsSolutions findings the engine accepts, each on the construct it concerns and with the
 * reason it is accepted. Everything else cdk-nag reports fails the tests and the synth.
 */
export const acknowledgeJustifiedFindings = (parts: {
  functions: IFunction[];
  timerGroupName: string;
  tokenRoutes: HttpRoute[];
  tokenSecret?: ISecret;
  reconcileDeadLetters: IQueue;
  streamDeadLetters: IQueue[];
  /** Functions fed by a table's stream, with the logical id of that table as cdk-nag prints it. */
  streamConsumers: { fn: IFunction; tableLogicalId: string }[];
}): void => {
  for (const fn of parts.functions) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the bundles are built for (esbuild target node22) and tested on; ' +
        'moving to a newer runtime is a deliberate upgrade, not a side effect of a cdk-nag release.',
    });
    if (fn.role)
      Validations.of(fn.role).acknowledge({
        // timerScheduleArnPattern (schedules.ts) as cdk-nag prints it, pseudo-parameters in <>.
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${parts.timerGroupName}/*]`,
        reason:
          'Timer schedules are named after workflow ids at run time, so CreateSchedule can only be ' +
          "granted on a pattern; the pattern is confined to the installation's own timer group.",
      });
  }
  for (const route of parts.tokenRoutes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "POST /api/token is Conductor's token exchange: callers have no token before calling it. It " +
        'checks the application key id and secret itself; every other route has the authorizer.',
    });
  }
  if (parts.tokenSecret) {
    Validations.of(parts.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the signing secret invalidates every token issued with it; rotation is a documented ' +
        'manual step (docs/deploy.md), and tokens are short-lived, so the exposure window stays small.',
    });
  }
  Validations.of(parts.reconcileDeadLetters).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: the reconcile schedule's undeliverable ticks land " +
      'here, and an alarm watches its depth.',
  });
  for (const { fn, tableLogicalId } of parts.streamConsumers) {
    if (!fn.role) continue;
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/stream/*]`,
      reason:
        "A stream's ARN ends in a label DynamoDB picks each time the stream is enabled, so reading it " +
        "is granted on the table's stream pattern, as AWS's own policy for stream triggers does; the " +
        "pattern reaches this one table's streams and nothing else.",
    });
  }
  for (const queue of parts.streamDeadLetters) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: a stream event source mapping's on-failure " +
        'destination, which gets the description of every batch that exhausted its retries; an ' +
        'alarm watches its depth.',
    });
  }
};
