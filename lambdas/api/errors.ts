import type { APIGatewayProxyResultV2 } from '../shared/api-gateway';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../shared/errors';
import { json } from './responses';

/**
 * The engine could not do it now but may shortly (another decide holds the workflow's lease).
 * Answered as 503 with `retryable: true`, which is how Conductor flags its TransientException.
 */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** Conductor's ErrorResponse, as its ApplicationExceptionMapper and ValidationExceptionMapper write it. */
export interface ConductorError {
  status: number;
  message: string;
  instance: string;
  retryable: boolean;
  validationErrors: { path: string; message: string }[];
}

/** Where Conductor puts its server id; Baton has no host worth naming. */
const INSTANCE = 'baton';

const statusOf = (error: unknown): number => {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ValidationError) return 400;
  if (error instanceof ConflictError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof ServiceUnavailableError) return 503;
  return 500;
};

export const conductorError = (status: number, message: string, extra: Partial<ConductorError> = {}) =>
  json({ status, message, instance: INSTANCE, retryable: false, validationErrors: [], ...extra }, status);

/**
 * The one place errors become HTTP answers. Anything untyped is a bug or an outage: it is logged
 * with its stack, and the client gets a 500 naming the request id to quote, never the stack.
 */
export const errorResponse = (
  error: unknown,
  context: { method: string; path: string; requestId: string | undefined },
): APIGatewayProxyResultV2 => {
  const status = statusOf(error);
  if (status === 500) {
    console.error(
      JSON.stringify({
        message: 'API request failed',
        ...context,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
    const reference = context.requestId ? ` (request id ${context.requestId})` : '';
    return conductorError(500, `internal error${reference}`);
  }
  const { message } = error as Error;
  const validationErrors =
    error instanceof ValidationError ? error.problems.map(({ path, message }) => ({ path, message })) : [];
  return conductorError(status, message, { validationErrors, retryable: status === 503 });
};
