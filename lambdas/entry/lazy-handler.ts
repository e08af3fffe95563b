/**
 * A Lambda `handler` whose real handler is built on the container's first invocation and kept for
 * the container's life, so SDK clients, caches and the WebAssembly script engines are set up once
 * rather than per event. Building at import time would turn a transient failure into an init error
 * that Lambda reports less clearly; here a failed build is forgotten and the next invocation retries.
 */
export const lazyHandler = <Event, Result>(build: () => Promise<(event: Event) => Promise<Result>>) => {
  let building: Promise<(event: Event) => Promise<Result>> | undefined;
  return async (event: Event): Promise<Result> => {
    if (!building) {
      const attempt = build();
      building = attempt;
      attempt.catch(() => {
        if (building === attempt) building = undefined;
      });
    }
    return (await building)(event);
  };
};
