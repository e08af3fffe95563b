import { TaskType, type WorkflowTask } from '../lambdas/core/model';
import type { Random } from './random';

/** The SIMPLE task names simulated workers poll for. */
export const WORKER_TASK_TYPES: readonly string[] = ['sim_a', 'sim_b', 'sim_c', 'sim_d'];

export const MAX_FORK_DEPTH = 3;
export const MAX_FORK_WIDTH = 12;
/** The branches a SWITCH may pick, besides its default case. */
const CASE_VALUES = ['a', 'b', 'c'] as const;
const OPTIONAL_CHANCE = 0.12;
const WIDE_FORK_CHANCE = 0.25;

/** A registered child a SUB_WORKFLOW step may start. */
export interface ChildRef {
  name: string;
  version: number;
}

/** Something the start input must supply for the definition to run. */
export type InputNeed =
  | { kind: 'switch'; key: string; values: readonly string[] }
  | { kind: 'dynamicFork'; key: string };

/** Where in the definition a step goes: containers that may not nest check it. */
interface Place {
  forkDepth: number;
  /** The DO_WHILE this step runs in, if any: loops may not nest, and dynamic forks stay out of them. */
  loop?: string;
}

/**
 * A run of steps. `n` is the expression of the latest `n` output a following step may read (every
 * worker answers `{ n, by }`); `summary` is what the workflow output reports about the piece.
 */
interface Piece {
  tasks: WorkflowTask[];
  size: number;
  n?: string;
  summary?: string;
}

type Kind = 'simple' | 'wait' | 'subWorkflow' | 'fork' | 'dynamicFork' | 'loop' | 'switch';

const expression = (path: string): string => `\${${path}}`;

/**
 * Builds one workflow's task list from random draws. Every reference comes from one counter, so
 * references are unique across the definition, branches and cases included. `size` counts the
 * steps a definition declares; a loop runs its body again and a dynamic fork adds its branches.
 */
export class DefinitionBuilder {
  readonly needs: InputNeed[] = [];
  private counter = 0;

  constructor(
    private readonly random: Random,
    private readonly children: readonly ChildRef[],
  ) {}

  /** A chain of SIMPLE tasks only, each reading the previous one's `n`. */
  simpleChain(length: number, from: string): Piece {
    const tasks: WorkflowTask[] = [];
    let n = from;
    for (let i = 0; i < length; i++) {
      const piece = this.simple({ forkDepth: 0 }, n);
      tasks.push(...piece.tasks);
      n = piece.n!;
    }
    return { tasks, size: length, n };
  }

  /**
   * Up to `items` pieces within `budget` steps (at least one piece). With `report`, each piece's
   * summary is collected for the workflow output.
   */
  chain(budget: number, place: Place, from: string, items: number, report?: Record<string, string>): Piece {
    const tasks: WorkflowTask[] = [];
    let size = 0;
    let n = from;
    for (let i = 0; i < items && (i === 0 || size < budget); i++) {
      const piece = this.piece(Math.max(1, budget - size), place, n);
      tasks.push(...piece.tasks);
      size += piece.size;
      if (piece.n) n = piece.n;
      if (report && piece.summary) report[piece.tasks[0]!.taskReferenceName] = piece.summary;
    }
    return { tasks, size, n };
  }

  private piece(room: number, place: Place, from: string): Piece {
    const kinds: Array<[Kind, number]> = [
      ['simple', 6],
      ['wait', 1],
      ['subWorkflow', this.children.length > 0 ? 1 : 0],
      ['fork', place.forkDepth < MAX_FORK_DEPTH && room >= 4 ? 3 : 0],
      ['dynamicFork', place.loop === undefined && room >= 2 ? 1 : 0],
      ['loop', place.loop === undefined && room >= 2 ? 1 : 0],
      ['switch', room >= 2 ? 1 : 0],
    ];
    switch (weighted(this.random, kinds)) {
      case 'simple':
        return this.simple(place, from);
      case 'wait':
        return this.wait();
      case 'subWorkflow':
        return this.subWorkflow(from);
      case 'fork':
        return this.fork(room, place, from);
      case 'dynamicFork':
        return this.dynamicFork();
      case 'loop':
        return this.loop(room, place, from);
      case 'switch':
        return this.switchOnInput(room, place, from);
    }
  }

  private ref(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  private simple(place: Place, from: string): Piece {
    const ref = this.ref('task');
    const task: WorkflowTask = {
      name: this.random.pick(WORKER_TASK_TYPES),
      taskReferenceName: ref,
      type: TaskType.SIMPLE,
      inputParameters: {
        n: from,
        ...(place.loop ? { iteration: expression(`${place.loop}.output.iteration`) } : {}),
      },
    };
    if (this.random.chance(OPTIONAL_CHANCE)) task.optional = true;
    return {
      tasks: [task],
      size: 1,
      n: expression(`${ref}.output.n`),
      summary: expression(`${ref}.output.n`),
    };
  }

  private wait(): Piece {
    const task: WorkflowTask = {
      name: 'wait',
      taskReferenceName: this.ref('wait'),
      type: TaskType.WAIT,
      // A short wait, so time-driven completions happen within a simulated run.
      inputParameters: { duration: `${this.random.int(1, 3)} seconds` },
    };
    return { tasks: [task], size: 1 };
  }

  private subWorkflow(from: string): Piece {
    const child = this.random.pick(this.children);
    const ref = this.ref('sub');
    const task: WorkflowTask = {
      name: child.name,
      taskReferenceName: ref,
      type: TaskType.SUB_WORKFLOW,
      subWorkflowParam: { name: child.name, version: child.version },
      inputParameters: { n: from },
    };
    return { tasks: [task], size: 1, n: expression(`${ref}.output.n`), summary: expression(`${ref}.output`) };
  }

  /** A FORK_JOIN whose JOIN waits for the last step of every branch; branches may fork again. */
  private fork(room: number, place: Place, from: string): Piece {
    const forkRef = this.ref('fork');
    // Mostly narrow, so forks have room to nest; now and then as wide as the room allows.
    const widest = Math.min(MAX_FORK_WIDTH, room - 2);
    const width = this.random.chance(WIDE_FORK_CHANCE)
      ? this.random.int(Math.min(6, widest), widest)
      : this.random.int(2, Math.min(3, widest));
    const share = Math.max(1, Math.floor((room - 2) / width));
    const inner: Place = { ...place, forkDepth: place.forkDepth + 1 };
    const branches: WorkflowTask[][] = [];
    let size = 2;
    for (let i = 0; i < width; i++) {
      const branch = this.chain(share, inner, from, this.random.int(1, 2));
      // A SWITCH completes as soon as it picks a case; joining on it would not wait for the case.
      if (branch.tasks.at(-1)?.type === TaskType.SWITCH) {
        const tail = this.simple(inner, branch.n ?? from);
        branch.tasks.push(...tail.tasks);
        branch.size += 1;
      }
      branches.push(branch.tasks);
      size += branch.size;
    }
    const joinRef = this.ref('join');
    const fork: WorkflowTask = {
      name: 'fork',
      taskReferenceName: forkRef,
      type: TaskType.FORK_JOIN,
      forkTasks: branches,
    };
    const join: WorkflowTask = {
      name: 'join',
      taskReferenceName: joinRef,
      type: TaskType.JOIN,
      joinOn: branches.map((branch) => branch.at(-1)!.taskReferenceName),
    };
    return { tasks: [fork, join], size, summary: expression(`${joinRef}.output`) };
  }

  /** A FORK_JOIN_DYNAMIC whose branches the start input lists (see InputNeed). */
  private dynamicFork(): Piece {
    const forkRef = this.ref('dyn');
    const joinRef = this.ref('djoin');
    this.needs.push({ kind: 'dynamicFork', key: forkRef });
    const fork: WorkflowTask = {
      name: 'dynamic_fork',
      taskReferenceName: forkRef,
      type: TaskType.FORK_JOIN_DYNAMIC,
      inputParameters: {
        dynamicTasks: expression(`workflow.input.${dynamicTasksKey(forkRef)}`),
        dynamicTasksInput: expression(`workflow.input.${dynamicInputsKey(forkRef)}`),
      },
      dynamicForkTasksParam: 'dynamicTasks',
      dynamicForkTasksInputParamName: 'dynamicTasksInput',
    };
    // The JOIN after a dynamic fork joins on whatever was forked; it needs no joinOn.
    const join: WorkflowTask = { name: 'join', taskReferenceName: joinRef, type: TaskType.JOIN };
    return { tasks: [fork, join], size: 2, summary: expression(`${joinRef}.output`) };
  }

  /** A DO_WHILE that runs its body two or three times: the condition reads the loop's iteration. */
  private loop(room: number, place: Place, from: string): Piece {
    const ref = this.ref('loop');
    const iterations = this.random.int(2, 3);
    const body = this.chain(Math.min(room - 1, 8), { ...place, loop: ref }, from, this.random.int(1, 3));
    const task: WorkflowTask = {
      name: 'loop',
      taskReferenceName: ref,
      type: TaskType.DO_WHILE,
      inputParameters: this.random.chance(0.3) ? { keepLastN: this.random.int(1, 2) } : {},
      loopCondition: `$.${ref}['iteration'] < ${iterations}`,
      loopOver: body.tasks,
    };
    return { tasks: [task], size: 1 + body.size, summary: expression(`${ref}.output.iteration`) };
  }

  /** A value-param SWITCH on a workflow input the start picks (see InputNeed); cases may be empty. */
  private switchOnInput(room: number, place: Place, from: string): Piece {
    const ref = this.ref('switch');
    const values = CASE_VALUES.slice(0, this.random.int(2, 3));
    const share = Math.max(1, Math.floor((room - 1) / (values.length + 1)));
    const decisionCases: Record<string, WorkflowTask[]> = {};
    let size = 1;
    for (const value of values) {
      const items = this.random.int(0, 2);
      const branch = items === 0 ? { tasks: [], size: 0 } : this.chain(share, place, from, items);
      decisionCases[value] = branch.tasks;
      size += branch.size;
    }
    const otherwise = this.chain(share, place, from, 1);
    this.needs.push({ kind: 'switch', key: ref, values: [...values, 'none'] });
    const task: WorkflowTask = {
      name: 'switch',
      taskReferenceName: ref,
      type: TaskType.SWITCH,
      inputParameters: { route: expression(`workflow.input.${ref}`) },
      evaluatorType: 'value-param',
      expression: 'route',
      decisionCases,
      defaultCase: otherwise.tasks,
    };
    return { tasks: [task], size: size + otherwise.size, summary: expression(`${ref}.output.selectedCase`) };
  }
}

/** The workflow input keys that feed a dynamic fork its task list and their inputs. */
export const dynamicTasksKey = (forkRef: string): string => `${forkRef}_tasks`;
export const dynamicInputsKey = (forkRef: string): string => `${forkRef}_inputs`;

const weighted = <T>(random: Random, entries: ReadonlyArray<readonly [T, number]>): T => {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.int(1, total);
  for (const [value, weight] of entries) {
    draw -= weight;
    if (draw <= 0) return value;
  }
  throw new Error('weighted pick from an empty list');
};
