import type { JqWeb } from 'jq-web';
import { requireJqWeb } from './jq-web-loader.cjs';
import type { JqOutcome } from './script-runtime';

/**
 * JSON_JQ_TRANSFORM queries, run by jq itself compiled to WebAssembly (jq-web).
 *
 * jq has no interrupt hook and jq-web exposes no memory settings, so there is NO CPU or memory limit
 * here: a query that never ends (`until(false; .)`) blocks the process until the Lambda times out,
 * and one that allocates without bound grows jq's instance towards its 2 GB maximum. Bounding that
 * would need jq in a worker thread with a watchdog.
 *
 * `now` is the one builtin that reads a clock; it is shadowed by a definition that fails, so a replay
 * of the same history always transforms the same way.
 */

export type { JqWeb };

const DETERMINISM_PRELUDE = 'def now: error("now is not available: Baton expressions are deterministic"); ';

/** Loads jq-web (see jq-web-loader.cjs for why through CommonJS); settles once its WebAssembly is ready. */
export async function loadJq(): Promise<JqWeb> {
  return await requireJqWeb();
}

export function evaluateJq(jq: JqWeb, query: string, input: unknown): JqOutcome {
  if (typeof query !== 'string') return { ok: false, error: 'The jq query must be a string' };
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (error) {
    return { ok: false, error: `The input is not representable as JSON: ${messageOf(error)}` };
  }

  let stdout: string | undefined;
  try {
    // Compact output puts each result on exactly one line (newlines inside strings are escaped), so
    // splitting lines tells one array output apart from several outputs, which jq-web's json() merges.
    // The prelude goes on the query's first line so jq's line numbers still match the user's query.
    stdout = jq.raw(json ?? 'null', DETERMINISM_PRELUDE + query, ['-c']);
  } catch (error) {
    return { ok: false, error: describeJqError(error) };
  }

  const lines = stdout ? stdout.split('\n').filter((line) => line !== '') : [];
  try {
    const resultList = lines.map((line) => JSON.parse(line) as unknown);
    return { ok: true, result: resultList.length > 0 ? resultList[0] : null, resultList };
  } catch {
    return { ok: false, error: 'jq produced output that is not JSON' };
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function describeJqError(error: unknown): string {
  const stderr = (error as { stderr?: unknown } | null)?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : messageOf(error);
  // jq echoes the offending program line, padded with spaces; show the user's query, not ours.
  return text
    .split(DETERMINISM_PRELUDE)
    .join('')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
