import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BatonEngine, type BatonEngineProps } from './baton-engine';
import { pascal } from './records';

export interface BatonStackProps extends StackProps {
  engine?: BatonEngineProps;
  /** An existing SNS topic for the alarms, by ARN (the engine's `alarmTopic` takes an object). */
  alarmTopicArn?: string;
}

/** A stack holding one Baton installation, with the outputs a first deploy needs. */
export class BatonStack extends Stack {
  readonly engine: BatonEngine;

  constructor(scope: Construct, id: string, props: BatonStackProps = {}) {
    super(scope, id, props);
    const alarmTopic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
      : props.engine?.alarmTopic;
    this.engine = new BatonEngine(this, 'Engine', { ...props.engine, alarmTopic });
    new CfnOutput(this, 'ConductorServerUrl', {
      value: this.engine.conductorServerUrl,
      description: 'CONDUCTOR_SERVER_URL for Conductor SDKs and workers',
    });
    for (const [tableId, table] of Object.entries(this.engine.tables)) {
      new CfnOutput(this, `${pascal(tableId)}TableName`, {
        value: table.tableName,
      });
    }
    if (this.engine.tokenSecret) {
      new CfnOutput(this, 'TokenSecretArn', {
        value: this.engine.tokenSecret.secretArn,
        description: 'The Secrets Manager secret that signs API tokens',
      });
    }
  }
}
