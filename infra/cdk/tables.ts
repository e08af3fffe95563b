import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

const ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

const PROJECTIONS: Record<string, ProjectionType> = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
};

export interface TableOptions {
  timeToLiveAttribute?: string;
  removalPolicy: RemovalPolicy;
}

/**
 * A table from the same CreateTable input the local runtime creates it with: keys and indexes come
 * from the definition, while billing, backups and encryption are the stack's own choices. Parts of
 * the input this does not translate are refused rather than dropped, so the two never differ.
 */
export const tableFromDefinition = (
  scope: Construct,
  id: string,
  definition: CreateTableCommandInput,
  options: TableOptions,
): Table => {
  if (definition.LocalSecondaryIndexes?.length) {
    throw new Error(`table ${definition.TableName}: local indexes are not translated`);
  }
  const attributes = definition.AttributeDefinitions ?? [];
  const table = new Table(scope, id, {
    tableName: definition.TableName,
    ...keysOf(definition.KeySchema, attributes),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: options.timeToLiveAttribute,
    stream: streamOf(definition),
    removalPolicy: options.removalPolicy,
  });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName!,
      ...keysOf(index.KeySchema, attributes),
      projectionType: PROJECTIONS[index.Projection?.ProjectionType ?? 'ALL'],
      nonKeyAttributes: index.Projection?.NonKeyAttributes,
    });
  }
  return table;
};

const STREAM_VIEWS: Record<string, StreamViewType> = {
  KEYS_ONLY: StreamViewType.KEYS_ONLY,
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  OLD_IMAGE: StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
};

const streamOf = ({ StreamSpecification: spec, TableName }: CreateTableCommandInput) => {
  if (!spec?.StreamEnabled) return undefined;
  const view = STREAM_VIEWS[spec.StreamViewType ?? ''];
  if (!view) throw new Error(`table ${TableName}: unknown stream view ${spec.StreamViewType}`);
  return view;
};

const keysOf = (
  schema: KeySchemaElement[] | undefined,
  attributes: AttributeDefinition[],
): { partitionKey: Attribute; sortKey?: Attribute } => {
  const attribute = (keyType: 'HASH' | 'RANGE'): Attribute | undefined => {
    const name = schema?.find((key) => key.KeyType === keyType)?.AttributeName;
    if (name === undefined) return undefined;
    const type = attributes.find((defined) => defined.AttributeName === name)?.AttributeType;
    if (type === undefined) throw new Error(`key attribute ${name} has no AttributeDefinition`);
    return { name, type: ATTRIBUTE_TYPES[type]! };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new Error('a key schema needs a HASH key');
  return { partitionKey, sortKey: attribute('RANGE') };
};
