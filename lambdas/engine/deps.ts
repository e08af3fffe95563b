import type { ScriptRuntime } from '../core/scripting/script-runtime';
import type {
  Clock,
  DecideQueue,
  ExecutionStore,
  IdGenerator,
  MetadataStore,
  SystemTaskQueue,
  Timers,
} from '../ports';
import type { TaskDefCache } from './task-def-cache';

/** What the use cases run on. Lambda handlers, the local runtime and the tests each wire their own. */
export interface EngineDeps {
  store: ExecutionStore;
  metadata: MetadataStore;
  decideQueue: DecideQueue;
  systemTasks: SystemTaskQueue;
  timers: Timers;
  clock: Clock;
  ids: IdGenerator;
  scripts: ScriptRuntime;
  taskDefs: TaskDefCache;
  /** Identifies this process as a lease owner. */
  owner: string;
}
