import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import {
  coerceInputValue,
  GraphQLError,
  isInputType,
  isNonNullType,
  typeFromAST,
  valueFromAST,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import Negotiator from 'negotiator';
import { AppError, ErrorCode } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Request errors: what is wrong with the request itself (its body, its content type, its document
 * or its variables) rather than with what it asks for. All of them are the client's mistake, so
 * each answers 4xx with a code and a message naming the part at fault, and none is logged as a
 * server fault. This file is the one place that decides their status codes.
 */

/** Failures the GraphQL-over-HTTP spec classes as "request errors" of a well-formed request. */
const SPEC_REQUEST_ERROR_CODES = new Set<string>(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', ErrorCode.BAD_USER_INPUT]);

const JSON_MEDIA = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_MEDIA = 'application/graphql-response+json; charset=utf-8';

/**
 * Which media type Apollo answers with for this Accept header: the same negotiation Apollo makes
 * (`chooseContentTypeForSingleResultResponse` is not exported), so the status chosen here agrees
 * with the content type Apollo sets.
 */
export function graphqlResponseMedia(accept: string | undefined | null): 'json' | 'graphql-response+json' {
  if (!accept) return 'json';
  const preferred = new Negotiator({ headers: { accept } }).mediaType([JSON_MEDIA, GRAPHQL_RESPONSE_MEDIA]);
  return preferred === GRAPHQL_RESPONSE_MEDIA ? 'graphql-response+json' : 'json';
}

function requestError(
  message: string,
  code: string,
  status: number,
  extensions: Record<string, unknown> = {},
  headers: [string, string][] = [],
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status, headers: new HeaderMap(headers) } } });
}

/**
 * Coerces the operation's variables as execution would, but answers the first failure as
 * BAD_USER_INPUT naming the variable path (`input.writtenAt`) instead of echoing the whole value
 * (graphql-js's own message quotes it, however large).
 */
export function assertVariablesCoerce(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): void {
  const inputs = variables ?? {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    // Unknown or output types are caught by validation, which runs before this.
    if (!type || !isInputType(type)) continue;
    const provided = Object.hasOwn(inputs, name);
    const value = inputs[name];
    if (!provided || value === undefined) {
      if (definition.defaultValue && valueFromAST(definition.defaultValue, type) !== undefined) continue;
      if (isNonNullType(type)) throw badVariable([name], `a value of type ${String(type)} is required`);
      continue;
    }
    if (value === null && isNonNullType(type)) throw badVariable([name], `must not be null (type ${String(type)})`);
    let failure: GraphQLError | null = null;
    coerceInputValue(value, type, (path, _invalid, error) => {
      failure ??= badVariable([name, ...path.map(String)], error.message);
    });
    if (failure) throw failure;
    const bad = unstorablePath(value, [name]);
    if (bad) throw badVariable(bad.path, bad.reason);
  }
}

// PostgreSQL text and jsonb hold neither U+0000 nor a lone surrogate (JSON escapes it, jsonb
// refuses it): such strings are refused here, by name, rather than by the database.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a string cannot be stored, or null when it can. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/** The path and reason of the first string in a JSON value that cannot be stored, if any. */
function unstorablePath(value: unknown, path: string[], depth = 0): { path: string[]; reason: string } | null {
  if (typeof value === 'string') {
    const reason = unstorable(value);
    return reason ? { path, reason } : null;
  }
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const reason = unstorable(key);
    if (reason) return { path, reason: `a field name ${reason}` };
    const found = unstorablePath(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** A string literal in the document itself that cannot be stored: refused like the same variable. */
function assertStorableLiterals(document: DocumentNode): void {
  visit(document, {
    StringValue(node) {
      const reason = unstorable(node.value);
      if (reason) throw requestError(`A string in the query ${reason}`, ErrorCode.BAD_USER_INPUT, 400, { field: 'query' });
    },
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function badVariable(path: string[], reason: string): GraphQLError {
  // A missing input field is reported on its parent object; name the field itself.
  const missing = /^Field "([^"]+)" of required type "[^"]+" was not provided\.?$/.exec(reason);
  const field = truncate([...path, ...(missing ? [missing[1]!] : [])].join('.'), 200);
  // graphql-js quotes the offending value, however large: keep the reason to a readable length.
  const text = missing ? 'is required' : truncate(reason.replace(/\.$/, ''), 200);
  return requestError(`Variable $${field}: ${text}`, ErrorCode.BAD_USER_INPUT, 400, { field });
}

/**
 * Status codes of GraphQL answers: request errors answer 400 to clients that accept
 * `application/graphql-response+json` and 200 to plain `application/json` clients, as the
 * GraphQL-over-HTTP spec asks (a legacy client reads `errors` from any 200 answer); an
 * unavailable database answers 503 with Retry-After, so clients and proxies retry.
 */
export function requestErrorsPlugin(schema: GraphQLSchema): ApolloServerPlugin {
  // Apollo keeps one parsed document per query text: its literals need checking once.
  const storable = new WeakSet<DocumentNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!storable.has(document)) {
            assertStorableLiterals(document);
            storable.add(document);
          }
          if (operation) assertVariablesCoerce(schema, operation, request.variables);
        },
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors?.some((e) => e.extensions?.code === ErrorCode.DATABASE_UNAVAILABLE)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
            return;
          }
          if (!errors?.length || data !== undefined || response.http.status !== 400) return;
          const requestErrorsOnly = errors.every((e) => SPEC_REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
          if (requestErrorsOnly && graphqlResponseMedia(request.http?.headers.get('accept')) === 'json')
            response.http.status = 200;
        },
      };
    },
  };
}

/**
 * POST /graphql takes JSON only. Anything else is answered 415 here, naming what to send, before
 * Apollo would answer it with a generic "POST body missing" (or a CSRF refusal for text/plain).
 */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const type = req.headers['content-type'];
  // What every client sends, decided without parsing the media type.
  if (type === 'application/json' || type === 'application/json; charset=utf-8') {
    next();
    return;
  }
  // `is` answers null for a request without a body: Apollo then says the body is missing.
  if (req.method !== 'POST' || (type && req.is('application/json') !== false)) {
    next();
    return;
  }
  res.status(415).json({
    errors: [
      {
        message: type
          ? `Content-Type ${truncate(type.split(';')[0]!.trim(), 100)} is not accepted; send the request as application/json`
          : 'The request has no Content-Type; send it as application/json',
        extensions: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, field: 'content-type' },
      },
    ],
  });
}

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  charset?: string;
  encoding?: string;
}

interface ErrorAnswer {
  status: number;
  message: string;
  code: string;
  extensions?: Record<string, unknown>;
}

/** What a body-parser or other HTTP-level error means to the client, or null for a real fault. */
export function describeHttpError(error: unknown, maxRequestBytes: number): ErrorAnswer | null {
  if (error instanceof AppError) {
    return {
      status: error.code === ErrorCode.UNAUTHENTICATED ? 401 : 400,
      message: error.message,
      code: error.code,
      extensions: error.extensions,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      code: ErrorCode.DATABASE_UNAVAILABLE,
      message: DATABASE_UNAVAILABLE_MESSAGE,
      extensions: { retryAfterSeconds: RETRY_AFTER_SECONDS },
    };
  }
  const e = error as HttpError;
  const status = e?.status ?? e?.statusCode;
  switch (e?.type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: `The request body is not valid JSON (${e.message})`,
        extensions: { field: 'body' },
      };
    case 'entity.too.large':
      return {
        status: 413,
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        message: `The request is larger than the ${maxRequestBytes} bytes this server accepts`,
        extensions: { maxBytes: maxRequestBytes },
      };
    case 'charset.unsupported':
      return {
        status: 415,
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: `The charset ${e.charset ?? ''} is not accepted; send UTF-8`.replace('  ', ' '),
        extensions: { field: 'content-type' },
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: `Content-Encoding ${e.encoding ?? ''} is not accepted; send identity, gzip, deflate or br`.replace('  ', ' '),
        extensions: { field: 'content-encoding' },
      };
    case 'request.size.invalid':
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'The request body does not match its Content-Length',
        extensions: { field: 'content-length' },
      };
    case 'request.aborted':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request was aborted before its body arrived' };
  }
  if (status && status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: e.message };
  return null;
}

/**
 * The last Express error handler: client mistakes answer their 4xx with a code and a message;
 * anything else is logged with its stack and answered as a plain internal error.
 */
export function httpErrorHandler(maxRequestBytes: number, fallbackLogger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const answer = describeHttpError(error, maxRequestBytes);
    if (answer) {
      if (answer.status === 503) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      res
        .status(answer.status)
        .json({ errors: [{ message: answer.message, extensions: { ...answer.extensions, code: answer.code } }] });
      return;
    }
    const log = (res.locals.logger as Logger | undefined) ?? fallbackLogger;
    log.error('unhandled error', { error });
    res
      .status(500)
      .json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
  };
}

// Faults the client can only wait out: the database restarting, unreachable or out of connections.

/** Node's socket errors and PostgreSQL's SQLSTATEs that mean "no database right now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the server was stopped under an open connection
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Knex: Timeout acquiring a connection/,
  /^Client was closed and is not queryable/,
];

/** True when `error` (or what it wraps) says the database cannot be reached, not that a query is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (name === 'ConnectionException' || name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((p) => p.test(message))) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/** Seconds a client is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is not answering right now; try again in a few seconds';

/** The answer to a request that met an unavailable database: 503 with a code, never a crash. */
export function databaseUnavailableError(): GraphQLError {
  return requestError(
    DATABASE_UNAVAILABLE_MESSAGE,
    ErrorCode.DATABASE_UNAVAILABLE,
    503,
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
    [['retry-after', String(RETRY_AFTER_SECONDS)]],
  );
}
