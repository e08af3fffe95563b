import { afterEach, describe, expect, it, vi } from 'vitest';
import { matchesFilterPattern } from '../../infra/local/event-filter';
import { batonResources } from '../../infra/resources';
import type { DynamoStreamRecord } from '../../lambdas/adapters/dynamodb/expired-heads';
import type { ExpiredHead } from '../../lambdas/adapters/dynamodb/remove-execution';
import { createExpiryHandler } from '../../lambdas/handlers/expire';

const TTL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

const removal = (
  workflowId: string,
  sk: string,
  sequence: number,
  userIdentity?: DynamoStreamRecord['userIdentity'],
): DynamoStreamRecord => ({
  eventName: 'REMOVE',
  userIdentity,
  dynamodb: {
    Keys: { pk: { S: `WF#${workflowId}` }, sk: { S: sk } },
    OldImage: { pk: { S: `WF#${workflowId}` }, sk: { S: sk }, status: { S: 'COMPLETED' } },
    SequenceNumber: String(sequence),
  },
});

const recorder = (failOn?: string) => {
  const removed: ExpiredHead[] = [];
  const logsRemoved: string[] = [];
  return {
    removed,
    logsRemoved,
    deps: {
      executions: {
        removeExpired: async (expired: ExpiredHead) => {
          if (expired.workflowId === failOn) throw new Error('throttled');
          removed.push(expired);
          return 'removed' as const;
        },
      },
      taskLogs: { removeTaskLogs: async (id: string) => void logsRemoved.push(id) },
    },
  };
};

describe('the expiry handler', () => {
  afterEach(() => vi.restoreAllMocks());

  it("removes the rest of each execution whose head TTL deleted, from the head's old image", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const { deps, removed, logsRemoved } = recorder();
    const result = await createExpiryHandler(deps)({
      Records: [removal('wf-1', '#HEAD', 1, TTL), removal('wf-2', '#HEAD', 2, TTL)],
    });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(removed.map((expired) => expired.workflowId)).toEqual(['wf-1', 'wf-2']);
    expect(removed[0]!.oldImage.status).toEqual({ S: 'COMPLETED' });
    expect(logsRemoved).toEqual(['wf-1', 'wf-2']);
  });

  it("ignores a user's removal, another item's deletion, and any other change", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const { deps, removed } = recorder();
    const modify: DynamoStreamRecord = { ...removal('wf-4', '#HEAD', 4, TTL), eventName: 'MODIFY' };
    await createExpiryHandler(deps)({
      Records: [
        removal('wf-1', '#HEAD', 1, undefined),
        removal('wf-2', '#HEAD', 2, { type: 'Service', principalId: 'replication.dynamodb.amazonaws.com' }),
        removal('wf-3', 'T#only:0:0', 3, TTL),
        modify,
      ],
    });
    expect(removed).toEqual([]);
  });

  it('stops at a failure and reports that record, so the shard is retried from it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { deps, removed } = recorder('wf-2');
    const result = await createExpiryHandler(deps)({
      Records: [
        removal('wf-1', '#HEAD', 1, TTL),
        removal('wf-2', '#HEAD', 2, TTL),
        removal('wf-3', '#HEAD', 3, TTL),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(removed.map((expired) => expired.workflowId)).toEqual(['wf-1']);
  });
});

describe("the expiry stream's event filter", () => {
  const pattern = batonResources().streams.expiry.filterPattern;

  it("lets through TTL's deletions of heads and nothing else, as the handler would", () => {
    expect(matchesFilterPattern(pattern, removal('wf-1', '#HEAD', 1, TTL))).toBe(true);
    expect(matchesFilterPattern(pattern, removal('wf-1', '#HEAD', 1, undefined))).toBe(false);
    expect(matchesFilterPattern(pattern, removal('wf-1', 'T#only:0:0', 1, TTL))).toBe(false);
    expect(matchesFilterPattern(pattern, { ...removal('wf-1', '#HEAD', 1, TTL), eventName: 'INSERT' })).toBe(
      false,
    );
  });
});
