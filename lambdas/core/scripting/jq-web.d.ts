// jq-web is CommonJS without types. Its module.exports is a promise that settles once the
// WebAssembly module has loaded; after that, both methods run synchronously.
declare module 'jq-web' {
  export interface JqWeb {
    /** Runs `filter` over one value; several outputs come back concatenated into one array. */
    json(input: unknown, filter: string): unknown;
    /** Like `echo json | jq flags filter`: the raw stdout minus its last newline, if any. */
    raw(json: string, filter: string, flags?: string[]): string | undefined;
  }
  const jq: PromiseLike<JqWeb>;
  export default jq;
}
