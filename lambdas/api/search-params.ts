import type { SearchPage } from '../ports';
import { ValidationError } from '../shared/errors';
import { queryInt } from './request';
import type { ApiRequest } from './router';

/** Results per page at most, and Conductor's default `size`. A larger size is refused, not cut. */
const MAX_SEARCH_SIZE = 100;
/**
 * How deep a search may page (`start + size`). Reaching result n reads n index entries, so a
 * deep page costs in proportion; Elasticsearch, behind Conductor's search, stops at the same depth.
 */
const MAX_SEARCH_DEPTH = 10_000;

export const searchPageOf = (request: ApiRequest): SearchPage => {
  const start = queryInt(request, 'start', { min: 0 }) ?? 0;
  const size = queryInt(request, 'size', { min: 1, max: MAX_SEARCH_SIZE }) ?? MAX_SEARCH_SIZE;
  if (start + size > MAX_SEARCH_DEPTH) {
    throw new ValidationError(
      `start + size may be at most ${MAX_SEARCH_DEPTH}, got ${start + size}: narrow the query instead of paging deeper`,
    );
  }
  return { start, size };
};

/** Conductor's default freeText is `*`, everything; Baton keeps no full-text index for anything else. */
export const checkFreeText = (request: ApiRequest): void => {
  const freeText = request.query.get('freeText')?.trim();
  if (freeText && freeText !== '*') {
    throw new ValidationError(
      `freeText ${JSON.stringify(freeText)} is not supported, only "*": Baton keeps no full-text index; filter with query instead`,
    );
  }
};

/** Each `sort` parameter's entries: Conductor joins several with `|`; Spring joins repeated parameters with `,`. */
const sortEntries = (request: ApiRequest): string[] =>
  request.query
    .getAll('sort')
    .flatMap((value) => value.split(/[|,]/))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * A workflow search's order. The indexes keep workflows in startTime order, so that is the one
 * field a search sorts by: `startTime` or `startTime:ASC` (Conductor's default direction) or
 * `startTime:DESC`. Without `sort`, newest first.
 */
export const workflowSortOf = (request: ApiRequest): 'ASC' | 'DESC' => {
  const orders = new Set<'ASC' | 'DESC'>();
  for (const entry of sortEntries(request)) {
    const match = /^(\w+)(?::(asc|desc))?$/i.exec(entry);
    if (!match) {
      throw new ValidationError(
        `sort must be <field>, <field>:ASC or <field>:DESC, got ${JSON.stringify(entry)}`,
      );
    }
    if (match[1] !== 'startTime') {
      throw new ValidationError(
        `workflows cannot be sorted by ${match[1]}: the search indexes keep them in startTime order only (sort=startTime:ASC or sort=startTime:DESC)`,
      );
    }
    orders.add((match[2]?.toUpperCase() ?? 'ASC') as 'ASC' | 'DESC');
  }
  if (orders.size > 1) throw new ValidationError('sort asks for startTime both ASC and DESC');
  return [...orders][0] ?? 'DESC';
};

/** Task search answers in queue order (when each task falls due): the pollable index's one order. */
export const refuseTaskSort = (request: ApiRequest): void => {
  const [entry] = sortEntries(request);
  if (entry !== undefined) {
    throw new ValidationError(
      `tasks cannot be sorted by ${JSON.stringify(entry)}: a task search answers in queue order (when each task falls due), the one order its index keeps`,
    );
  }
};
