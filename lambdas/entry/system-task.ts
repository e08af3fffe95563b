/** Lambda entry point of the system-task queue's consumer. */
import { createSystemTaskHandler } from '../handlers/system-task';
import { readConfig } from '../shared/config';
import { createAwsClients, createRuntimeDeps } from '../shared/wiring';
import { lazyHandler } from './lazy-handler';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  return createSystemTaskHandler(await createRuntimeDeps(config, createAwsClients(config)));
});
