/** Lambda entry point of the state table's stream consumer: TTL deletions of ended executions' heads. */
import { createExpiryHandler } from '../handlers/expire';
import { readConfig } from '../shared/config';
import { createAwsClients, createExpiryDeps } from '../shared/wiring';
import { lazyHandler } from './lazy-handler';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  return createExpiryHandler(createExpiryDeps(config, createAwsClients(config).dynamodb));
});
