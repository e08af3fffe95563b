/**
 * Lambda entry point for wake-ups a schedule delivers straight to a function. It only forwards a
 * decide request, so it builds a decide queue and nothing else: no store, no script engines.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDecideQueue } from '../adapters/sqs-queues';
import { createTimerHandler } from '../handlers/timer';
import { readConfig } from '../shared/config';
import { lazyHandler } from './lazy-handler';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  const client = new SQSClient(config.endpoint ? { endpoint: config.endpoint } : {});
  return createTimerHandler({ decideQueue: new SqsDecideQueue({ client, queueUrl: config.decideQueueUrl }) });
});
