/** Lambda entry point of the minute reconcile, invoked by EventBridge Scheduler. */
import { createReconcileHandler } from '../handlers/reconcile';
import { readConfig } from '../shared/config';
import { createAwsClients, createRuntimeDeps } from '../shared/wiring';
import { lazyHandler } from './lazy-handler';
import { rescuedMetricLine } from './rescued-metric';

export const handler = lazyHandler(async () => {
  const config = readConfig(process.env);
  const reconcile = createReconcileHandler(await createRuntimeDeps(config, createAwsClients(config)));
  return async (event: unknown) => {
    const result = await reconcile(event);
    // Straight to stdout: Lambda's console prefixes every line, and an EMF line must be bare JSON.
    const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'reconcile';
    process.stdout.write(`${rescuedMetricLine(functionName, result.rescued, Date.now())}\n`);
    return result;
  };
});
