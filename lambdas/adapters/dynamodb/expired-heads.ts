import type { Item } from './attribute-values';
import { HEAD_SK, workflowIdOfPk } from './execution-keys';
import type { ExpiredHead } from './remove-execution';

/** One record of a DynamoDB stream as Lambda delivers it; only what the expiry handler reads. */
export interface DynamoStreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  userIdentity?: { type?: string; principalId?: string };
  dynamodb?: { Keys?: Item; OldImage?: Item; SequenceNumber?: string };
}

/** Who deletes an item when TTL expires it, as its stream record names the deleter. */
export const TTL_DELETER = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/**
 * The expired execution a stream record reports, or undefined for any other change. Only a REMOVE
 * of a #HEAD by TTL counts: a user's removal (DELETE /workflow/{id}) already removes everything
 * itself, and a TTL record of any other item cannot occur, since only heads carry an expiry.
 * The event source mapping filters the same way (infra/resources.ts); this check keeps the handler
 * correct without it.
 */
export const expiredHeadOf = (record: DynamoStreamRecord): ExpiredHead | undefined => {
  const { eventName, userIdentity, dynamodb } = record;
  if (eventName !== 'REMOVE') return undefined;
  if (userIdentity?.type !== TTL_DELETER.type || userIdentity.principalId !== TTL_DELETER.principalId) {
    return undefined;
  }
  const pk = dynamodb?.Keys?.pk?.S;
  if (dynamodb?.Keys?.sk?.S !== HEAD_SK || !pk?.startsWith('WF#')) return undefined;
  return { workflowId: workflowIdOfPk(pk), oldImage: dynamodb.OldImage ?? {} };
};
