import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import {
  ForeignKeyConstraintViolationException,
  NotFoundError as OrmNotFoundError,
  OptimisticLockError,
  UniqueConstraintViolationException,
  CheckConstraintViolationException,
  NotNullConstraintViolationException,
} from '@mikro-orm/core';
import { AppError, ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';

const GRAPHQL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const OUR_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * The one place where errors become what a client sees: our own codes pass with their
 * message; validation errors name the field; anything else is logged with its stack and
 * answered as a plain internal error.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
    }
    if (original instanceof ArgumentValidationError) {
      const first = original.extensions.validationErrors[0];
      const field = first?.property ?? 'input';
      const reason = first?.constraints ? Object.values(first.constraints)[0] : 'is not valid';
      return { ...base, message: `${field}: ${reason}`, extensions: { code: ErrorCode.BAD_USER_INPUT, field } };
    }
    if (original instanceof OptimisticLockError) {
      return {
        ...base,
        message: 'Someone else changed this first; reload and try again',
        extensions: { code: ErrorCode.CONFLICT },
      };
    }
    if (original instanceof OrmNotFoundError) {
      return { ...base, message: 'Not found', extensions: { code: ErrorCode.NOT_FOUND } };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return { ...base, message: 'That already exists', extensions: { code: ErrorCode.CONFLICT } };
    }
    if (
      original instanceof CheckConstraintViolationException ||
      original instanceof NotNullConstraintViolationException ||
      original instanceof ForeignKeyConstraintViolationException
    ) {
      logger.warn('constraint refused a write', { error: original });
      return { ...base, message: 'The data breaks a rule of the system', extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && OUR_CODES.has(code)) {
      // Raised as a GraphQLError outside a resolver (context creation): already safe to show.
      const field = formatted.extensions?.field;
      const extensions = typeof field === 'string' ? { code, field } : { code };
      return { ...base, message: formatted.message.replace(/^Context creation failed: /, ''), extensions };
    }
    if (typeof code === 'string' && GRAPHQL_CODES.has(code)) {
      // Parse and validation errors: the message describes the query, never internals.
      return { ...base, extensions: { code } };
    }
    logger.error('unexpected error', { error: original, path: formatted.path });
    return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
