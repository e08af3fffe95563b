import { describe, expect, it } from 'vitest';
import { createTimerHandler } from '../../lambdas/handlers/timer';
import { RecordingDecideQueue } from '../fakes/in-memory-ports';

describe('the timer handler', () => {
  it('asks for a decide of the workflow the schedule names', async () => {
    const decideQueue = new RecordingDecideQueue();
    await createTimerHandler({ decideQueue })({ workflowId: 'wf-9' });
    expect(decideQueue.requests).toEqual([{ workflowId: 'wf-9', delaySeconds: 0 }]);
  });

  it('throws for an event without a workflowId, so the Scheduler retries and dead-letters it', async () => {
    const decideQueue = new RecordingDecideQueue();
    await expect(createTimerHandler({ decideQueue })({ detail: {} })).rejects.toThrow(
      'timer event without a workflowId: {"detail":{}}',
    );
    expect(decideQueue.requests).toEqual([]);
  });
});
