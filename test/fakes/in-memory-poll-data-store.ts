import type { PollData, PollDataStore } from '../../lambdas/ports';

/** The last poll per task type and worker; every poll is recorded (no write throttling). */
export class InMemoryPollDataStore implements PollDataStore {
  private readonly polls = new Map<string, PollData>();
  /** Set to make every record fail, as a store outage would. */
  failing = false;

  async recordPoll(poll: PollData) {
    if (this.failing) throw new Error('poll data store unavailable');
    this.polls.set(`${poll.queueName}\u0000${poll.workerId ?? ''}`, { ...poll });
  }

  async listPollData(taskType: string) {
    return [...this.polls.values()]
      .filter((poll) => poll.queueName === taskType)
      .map((poll) => ({ ...poll }));
  }
}
