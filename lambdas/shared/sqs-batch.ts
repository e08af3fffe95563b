/**
 * The slice of Lambda's SQS event and partial-batch response the handlers use (ReportBatchItemFailures).
 * Written out here rather than taken from @types/aws-lambda: two small shapes are not worth a dependency.
 */
export interface SqsRecord {
  messageId: string;
  body: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Parses a record's JSON body; a body that is not an object with the wanted string fields is refused. */
export const parseBody = <K extends string>(record: SqsRecord, keys: readonly K[]): Record<K, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch {
    throw new Error(`message ${record.messageId} is not JSON`);
  }
  const value = parsed as Record<string, unknown> | null;
  const missing = keys.filter((key) => typeof value?.[key] !== 'string' || value[key] === '');
  if (typeof value !== 'object' || missing.length > 0) {
    throw new Error(`message ${record.messageId} lacks ${missing.join(', ') || 'an object body'}`);
  }
  return value as Record<K, string>;
};

/**
 * Groups records by a key so that duplicates in one batch are handled once. Each group succeeds or
 * fails as one; a failed group reports its first record, which is enough to bring the work back.
 * A record that cannot be parsed is reported on its own, so it reaches the DLQ where an alarm sees it.
 */
export const processBatch = async <T>(
  event: SqsEvent,
  parse: (record: SqsRecord) => { key: string; value: T },
  handle: (value: T) => Promise<void>,
  log: (entry: Record<string, unknown>) => void = (entry) => console.error(JSON.stringify(entry)),
): Promise<SqsBatchResponse> => {
  const failures: string[] = [];
  const groups = new Map<string, { first: string; value: T }>();
  for (const record of event.Records) {
    try {
      const { key, value } = parse(record);
      if (!groups.has(key)) groups.set(key, { first: record.messageId, value });
    } catch (error) {
      log({ message: 'unreadable message', messageId: record.messageId, error: String(error) });
      failures.push(record.messageId);
    }
  }
  // Different keys are independent work (different workflows or tasks), so they run side by side.
  await Promise.all(
    [...groups.values()].map(async ({ first, value }) => {
      try {
        await handle(value);
      } catch (error) {
        log({ message: 'message failed, SQS will redeliver it', messageId: first, error: String(error) });
        failures.push(first);
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
