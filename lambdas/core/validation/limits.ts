/** The bounds that keep validation cheap whatever it is handed. */

/** How many container tasks (FORK_JOIN, SWITCH, DECISION, DO_WHILE, inline SUB_WORKFLOW) may nest. */
export const MAX_NESTING_DEPTH = 32;
/** The largest definition accepted, measured as UTF-8 bytes of its JSON encoding. */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/**
 * The largest single step, nested task lists left out, as UTF-8 bytes of its JSON: a task item
 * keeps its step beside an input and an output (MAX_PAYLOAD_BYTES each, payload-limits.ts), and the
 * three must fit in one 400 KB DynamoDB item.
 */
export const MAX_STEP_BYTES = 64 * 1024;

/** Past this the size count stops: the exact figure no longer matters, and a cyclic object never ends. */
export const SIZE_COUNT_CAP = 16 * MAX_DEFINITION_BYTES;
/**
 * List entries looked at before checking gives up. A JSON tree is walked once per node, but an
 * object graph that shares sub-objects (not JSON, but callers may pass one) would be walked once per
 * path to them, which grows exponentially with depth.
 */
export const VISIT_BUDGET = 200_000;
