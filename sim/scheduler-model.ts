import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SimQueue } from './sqs-model';
import type { SimWorld } from './world';

/**
 * EventBridge Scheduler's one-time schedules as the real SchedulerTimers adapter creates them: at
 * the schedule's instant its Input is sent to the target queue. A second schedule of the same name
 * is refused with ConflictException, as Scheduler does.
 */
export const simSchedulerClient = (world: SimWorld, target: SimQueue): SchedulerClient => {
  const names = new Set<string>();
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      if (command.constructor.name !== 'CreateScheduleCommand') {
        throw new Error(`the simulated Scheduler does not serve ${command.constructor.name}`);
      }
      const { Name, ScheduleExpression, Target } = command.input as {
        Name: string;
        ScheduleExpression: string;
        Target: { Input: string };
      };
      return world.io('Scheduler CreateSchedule', async () => {
        if (names.has(Name)) {
          throw Object.assign(new Error(`schedule ${Name} exists`), { name: 'ConflictException' });
        }
        names.add(Name);
        const instant = Date.parse(`${/^at\((.*)\)$/.exec(ScheduleExpression)![1]}Z`);
        world.at(instant, () => target.send(Target.Input));
        return {};
      });
    },
  } as unknown as SchedulerClient;
};

/**
 * The `rate(1 minute)` schedule that runs the reconcile. The fault plan may skip a tick or fire it
 * twice, which the reconcile must shrug off.
 */
export const runRateSchedule = (
  world: SimWorld,
  periodMs: number,
  fire: () => void,
  running: () => boolean,
): void => {
  const tick = () => {
    if (!running()) return;
    if (!world.chance(world.faults.rates.skipTick, 'skipTick')) {
      fire();
      if (world.chance(world.faults.rates.doubleTick, 'doubleTick')) fire();
    }
    world.at(world.now + periodMs, tick);
  };
  world.at(world.now + periodMs, tick);
};
