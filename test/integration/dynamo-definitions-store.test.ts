/**
 * DynamoDefinitionsStore against moto: versions ordered by their keys, conditional creates,
 * deletes, and the per-name version listing. Fails, never skips, when moto cannot start.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DynamoDefinitionsStore,
  definitionsTableDefinition,
} from '../../lambdas/adapters/dynamodb/definitions-store';
import { ensureTable } from '../../lambdas/adapters/dynamodb/ensure-table';
import type { WorkflowDef } from '../../lambdas/core/model';
import { uniqueName } from '../support/aws-endpoint';
import { motoClients, useMoto } from '../support/moto';

const moto = useMoto();
let client: DynamoDBClient;
let tables = 0;

beforeEach(() => {
  client ??= motoClients(moto.endpoint).dynamodb;
});
afterAll(() => client?.destroy());

const freshStore = async (): Promise<DynamoDefinitionsStore> => {
  const tableName = uniqueName(`definitions-${++tables}`);
  await ensureTable(client, definitionsTableDefinition(tableName));
  return new DynamoDefinitionsStore({ client: DynamoDBDocumentClient.from(client), tableName });
};

const def = (
  name: string,
  version: number,
  taskName = 'work',
  extra: Partial<WorkflowDef> = {},
): WorkflowDef => ({
  name,
  version,
  tasks: [{ name: taskName, taskReferenceName: `${taskName}_ref`, type: 'SIMPLE' }],
  ...extra,
});

describe('DynamoDefinitionsStore on moto', () => {
  it('answers the highest version by default and any version asked for, in numeric order', async () => {
    const store = await freshStore();
    for (const version of [2, 10, 9]) await store.putWorkflowDef(def('flow', version));
    expect((await store.getWorkflowDef('flow'))?.version).toBe(10);
    expect((await store.getWorkflowDef('flow', 9))?.version).toBe(9);
    expect(await store.getWorkflowDef('flow', 3)).toBeUndefined();
    expect(await store.getWorkflowDef('nope')).toBeUndefined();
  });

  it('creates a name and version only once; the second create changes nothing', async () => {
    const store = await freshStore();
    expect(await store.createWorkflowDef(def('flow', 1, 'first'))).toBe('created');
    expect(await store.createWorkflowDef(def('flow', 1, 'second'))).toBe('exists');
    expect((await store.getWorkflowDef('flow', 1))?.tasks[0]?.name).toBe('first');
    expect(await store.createWorkflowDef(def('flow', 2, 'second'))).toBe('created');
  });

  it('lists the versions of one name with a Query, lowest first, with their times when the definitions have them', async () => {
    const store = await freshStore();
    await store.putWorkflowDef(def('flow', 10));
    await store.putWorkflowDef(def('flow', 2, 'work', { createTime: 1_000, updateTime: 2_000 }));
    await store.putWorkflowDef(def('flow-other', 1));
    expect(await store.listWorkflowVersions('flow')).toEqual([
      { name: 'flow', version: 2, createTime: 1_000, updateTime: 2_000 },
      { name: 'flow', version: 10 },
    ]);
    expect(await store.listWorkflowVersions('nope')).toEqual([]);
  });

  it('deletes one version, and says when there was none', async () => {
    const store = await freshStore();
    await store.putWorkflowDef(def('flow', 1));
    await store.putWorkflowDef(def('flow', 2));
    expect(await store.deleteWorkflowDef('flow', 2)).toBe(true);
    expect(await store.deleteWorkflowDef('flow', 2)).toBe(false);
    expect(await store.deleteWorkflowDef('nope', 1)).toBe(false);
    expect((await store.getWorkflowDef('flow'))?.version).toBe(1);
    expect((await store.listWorkflowVersions('flow')).map((summary) => summary.version)).toEqual([1]);
    expect((await store.listWorkflowDefs()).map(({ name, version }) => `${name}.${version}`)).toEqual([
      'flow.1',
    ]);
  });

  it('keeps task definitions apart from workflow definitions', async () => {
    const store = await freshStore();
    await store.putWorkflowDef(def('shared-name', 1));
    await store.putTaskDef({ name: 'shared-name', retryCount: 2 });
    expect(await store.getTaskDef('shared-name')).toEqual({ name: 'shared-name', retryCount: 2 });
    expect((await store.listTaskDefs()).map((task) => task.name)).toEqual(['shared-name']);
    expect(await store.deleteTaskDef('shared-name')).toBe(true);
    expect(await store.deleteTaskDef('shared-name')).toBe(false);
    expect(await store.getWorkflowDef('shared-name')).toBeDefined();
  });
});
