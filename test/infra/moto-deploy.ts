/**
 * `cdk bootstrap` + `cdk deploy` of the Baton stack, played against moto: synthesize with the real
 * function bundles, create what the bootstrap stack would hold, publish the assets where the
 * template looks for them, and create the stack from the template. Every step that departs from a
 * real deploy because of moto is marked MOTO below; test/infra/moto-cloudformation.test.ts says
 * what that leaves unchecked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { App } from 'aws-cdk-lib';
import type { BatonEngineProps } from '../../infra/cdk/baton-engine';
import { BatonStack } from '../../infra/cdk/baton-stack';
import { motoClientConfig } from '../support/moto';
import type { CfnResource } from './synthesized-stack';
import { zipDirectory } from './zip-directory';

export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Rules?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

/** One entry of the cloud assembly's asset manifest (`<stack>.assets.json`). */
interface FileAsset {
  source: { path: string; packaging?: 'file' | 'zip' };
  destinations: Record<string, { bucketName: string; objectKey: string }>;
}

export interface Synthesized {
  stackName: string;
  template: CfnTemplate;
  /** The cloud assembly's directory: the bundles and the asset manifest. */
  outdir: string;
  fileAssets: FileAsset[];
  remove(): void;
}

/**
 * The stack as `npm run synth` builds it, bundles included (about 3 s of esbuild), into a
 * temporary directory. The other synth tests skip bundling; a deploy needs the code.
 */
export const synthesizeWithBundles = (stackName: string, engine: BatonEngineProps = {}): Synthesized => {
  const outdir = mkdtempSync(join(tmpdir(), 'baton-cdk-out-'));
  const app = new App({ outdir });
  const stack = new BatonStack(app, stackName, { engine });
  const assembly = app.synth();
  const manifest = JSON.parse(
    readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
  ) as { files?: Record<string, FileAsset> };
  return {
    stackName,
    template: assembly.getStackByName(stackName).template as CfnTemplate,
    outdir: assembly.directory,
    fileAssets: Object.values(manifest.files ?? {}),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
};

export interface Deployment {
  stackName: string;
  /** The template CloudFormation was given, after the MOTO changes. */
  deployedTemplate: CfnTemplate;
  /** sha256 (base64, as Lambda reports CodeSha256) of each uploaded object, by its key. */
  uploadedSha256: Map<string, string>;
  /** MOTO: the secret created through the API in place of each AWS::SecretsManager::Secret, by logical id. */
  standInSecretArns: Map<string, string>;
}

const REGION = 'us-east-1';

/** The asset manifest's placeholders, as the CDK CLI fills them in for the target environment. */
const fillPlaceholders = (text: string, account: string): string =>
  text
    .replaceAll('${AWS::AccountId}', account)
    .replaceAll('${AWS::Region}', REGION)
    .replaceAll('${AWS::Partition}', 'aws');

const sha256Base64 = (body: Buffer): string => createHash('sha256').update(body).digest('base64');

/**
 * MOTO: moto's CloudFormation has no AWS::SecretsManager::Secret. It would skip the resource and
 * resolve every `Ref` to it to nothing, and an IAM policy naming nothing is refused, failing the
 * stack. So each secret is created through the Secrets Manager API instead and its ARN (what `Ref`
 * gives for a secret) is written in place of every `Ref` to it. Any other use of a secret (GetAtt,
 * Sub) is refused here rather than left dangling.
 */
const standInForSecrets = async (template: CfnTemplate, stackName: string, endpoint: string) => {
  const secrets = new SecretsManagerClient(motoClientConfig(endpoint));
  const arns = new Map<string, string>();
  const resources = { ...template.Resources };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
    const { ARN } = await secrets.send(
      new CreateSecretCommand({
        Name: `${stackName}-${logicalId}`,
        Description: resource.Properties.Description,
        SecretString: randomBytes(48).toString('base64url'),
      }),
    );
    arns.set(logicalId, ARN!);
    delete resources[logicalId];
  }
  secrets.destroy();
  let text = JSON.stringify({ ...template, Resources: resources });
  for (const [logicalId, arn] of arns) {
    text = text.replaceAll(JSON.stringify({ Ref: logicalId }), JSON.stringify(arn));
    if (text.includes(JSON.stringify(logicalId))) {
      throw new Error(`the template uses secret ${logicalId} other than by Ref; teach the stand-in that use`);
    }
  }
  return { template: JSON.parse(text) as CfnTemplate, arns };
};

/** Waits out CREATE_IN_PROGRESS; throws with CloudFormation's reasons unless it ends CREATE_COMPLETE. */
const waitForCreate = async (cloudFormation: CloudFormationClient, stackName: string) => {
  for (const giveUpAt = Date.now() + 60_000; Date.now() < giveUpAt; ) {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const status = Stacks?.[0]?.StackStatus ?? 'missing';
    if (status === 'CREATE_COMPLETE') return;
    if (!status.endsWith('_IN_PROGRESS')) {
      const { StackEvents } = await cloudFormation.send(
        new DescribeStackEventsCommand({ StackName: stackName }),
      );
      const reasons = (StackEvents ?? [])
        .filter((event) => event.ResourceStatusReason)
        .map((event) => `${event.LogicalResourceId}: ${event.ResourceStatusReason}`);
      throw new Error(`stack ${stackName} ended ${status}\n${reasons.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`stack ${stackName} was not created within a minute`);
};

export const deployToMoto = async (endpoint: string, synthesized: Synthesized): Promise<Deployment> => {
  const config = motoClientConfig(endpoint);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const ssm = new SSMClient(config);
  const sts = new STSClient(config);
  const cloudFormation = new CloudFormationClient(config);
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    const { template, stackName } = synthesized;

    // What `cdk bootstrap` leaves in an account: the staging bucket the assets go to, and the
    // bootstrap version parameter the template reads. MOTO: moto resolves the SSM-typed parameter
    // but never evaluates the template's Rules (CheckBootstrapVersion): a version the rule rejects
    // deploys as well. The value written is one the rule accepts.
    const bootstrapVersion = template.Parameters?.BootstrapVersion;
    if (bootstrapVersion?.Default) {
      await ssm.send(new PutParameterCommand({ Name: bootstrapVersion.Default, Value: '6', Type: 'String' }));
    }
    const buckets = new Set(
      synthesized.fileAssets.flatMap((asset) =>
        Object.values(asset.destinations).map((to) => fillPlaceholders(to.bucketName, Account!)),
      ),
    );
    for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));

    // What `cdk deploy` publishes: each function's bundle directory zipped, the template as a file.
    const uploadedSha256 = new Map<string, string>();
    for (const asset of synthesized.fileAssets) {
      const path = join(synthesized.outdir, asset.source.path);
      const body = statSync(path).isDirectory() ? zipDirectory(path) : readFileSync(path);
      for (const to of Object.values(asset.destinations)) {
        await s3.send(
          new PutObjectCommand({
            Bucket: fillPlaceholders(to.bucketName, Account!),
            Key: to.objectKey,
            Body: body,
          }),
        );
        uploadedSha256.set(to.objectKey, sha256Base64(body));
      }
    }

    // The template goes by URL, as `cdk deploy` sends one over 51,200 bytes (this one is). It is
    // the MOTO-adapted template, so it gets a key of its own next to the published one.
    const adapted = await standInForSecrets(template, stackName, endpoint);
    const [bucket] = buckets;
    if (!bucket) throw new Error('the asset manifest names no bucket to put the template in');
    const templateKey = `moto-adapted/${stackName}.template.json`;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: JSON.stringify(adapted.template) }),
    );
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateURL: `https://s3.${REGION}.amazonaws.com/${bucket}/${templateKey}`,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      }),
    );
    await waitForCreate(cloudFormation, stackName);
    return {
      stackName,
      deployedTemplate: adapted.template,
      uploadedSha256,
      standInSecretArns: adapted.arns,
    };
  } finally {
    for (const client of [s3, ssm, sts, cloudFormation]) client.destroy();
  }
};
