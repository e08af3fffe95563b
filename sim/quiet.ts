/**
 * The handlers log every rescue, hand-back and failed message, as they should in AWS; in a run of
 * thousands of simulated invocations that would bury the simulator's own report, so it is muted.
 */
export const quietly = async <T>(run: () => Promise<T>): Promise<T> => {
  const { log, warn, error } = console;
  console.log = console.warn = console.error = () => {};
  try {
    return await run();
  } finally {
    Object.assign(console, { log, warn, error });
  }
};
