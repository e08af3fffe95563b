/** Lambda entry point of the decide queue's consumer. */
import { createDecideHandler } from '../handlers/decide';
import { readConfig } from '../shared/config';
import { createAwsClients, createRuntimeDeps } from '../shared/wiring';
import { lazyHandler } from './lazy-handler';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  return createDecideHandler(await createRuntimeDeps(config, createAwsClients(config)));
});
