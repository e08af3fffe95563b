import type { Task } from '../core/index';
import type { EngineDeps } from './deps';

export interface PollRequest {
  taskType: string;
  count: number;
  workerId?: string;
  /** Long poll: wait up to this long for a task to become due (ms). */
  timeoutMs: number;
}

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;

/** Claims due tasks of one type; each task goes to exactly one poller (the store guarantees it). */
export const pollTasks = async (
  deps: Pick<EngineDeps, 'store' | 'clock'> & { sleep: (ms: number) => Promise<void> },
  { taskType, count, workerId, timeoutMs }: PollRequest,
): Promise<Task[]> => {
  const giveUpAt = deps.clock.now() + Math.max(0, timeoutMs);
  let wait = FIRST_RETRY_MS;
  for (;;) {
    const tasks = await deps.store.claimTasks(taskType, count, workerId, deps.clock.now());
    const left = giveUpAt - deps.clock.now();
    if (tasks.length > 0 || left <= 0) return tasks;
    await deps.sleep(Math.min(wait, left));
    wait = Math.min(wait * 2, MAX_RETRY_MS);
  }
};
