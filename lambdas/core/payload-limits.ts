import { jsonByteLength } from './validation/json-size';

/**
 * The largest payload the engine stores: a task's input, a task's output, and a workflow's input,
 * output and variables, each as UTF-8 bytes of its JSON. DynamoDB items hold at most 400 KB, a task
 * item holds an input and an output beside its step (at most MAX_STEP_BYTES), and the workflow's
 * body item holds its input, output and variables, so three payloads and a step always fit in one.
 * Like Conductor past its payload threshold, a task whose payload is too big ends
 * FAILED_WITH_TERMINAL_ERROR with the reason, and a workflow start is refused.
 */
export const MAX_PAYLOAD_BYTES = 120 * 1024;

/** Describes the limit a payload breaks, or returns undefined when it fits. */
export const oversizedPayload = (what: string, value: unknown): string | undefined =>
  value !== undefined && jsonByteLength(value, MAX_PAYLOAD_BYTES) > MAX_PAYLOAD_BYTES
    ? `${what} is larger than ${MAX_PAYLOAD_BYTES / 1024} KiB, the most a payload may be (a DynamoDB item holds at most 400 KB)`
    : undefined;
