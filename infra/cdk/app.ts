/**
 * The CDK app (`npm run synth`, `npm run deploy`). Settings come as context, for example
 * `npm run deploy -- -c authMode=iam -c namePrefix=baton-test -c alarmTopicArn=<SNS topic ARN>`.
 * The stack is environment-agnostic, so it synthesizes without AWS credentials or network.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BatonStack } from './baton-stack';
import type { AuthMode } from './engine-props';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;

const authMode = context('authMode') ?? 'token';
if (authMode !== 'token' && authMode !== 'iam') {
  throw new Error(`authMode must be token or iam, got ${authMode}`);
}

new BatonStack(app, context('stackName') ?? 'Baton', {
  description: 'Baton: a serverless workflow engine that runs Conductor workflows',
  alarmTopicArn: context('alarmTopicArn'),
  engine: { namePrefix: context('namePrefix'), authMode: authMode as AuthMode },
});

// Any AwsSolutions finding that is neither fixed nor suppressed with a reason fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
