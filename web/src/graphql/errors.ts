// One place turns whatever went wrong talking to the server into a message key in locales/.

/** Codes the server puts in `extensions.code` (server/src/common/errors.ts). */
const KNOWN_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'PASSWORD_CHANGE_REQUIRED',
  'UPDATE_REQUIRED',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ServerErrorCode = (typeof KNOWN_CODES)[number];

/** A failure with a code the interface can explain; `offline` when the server was never reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ServerErrorCode | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLErrorLike {
  message?: string;
  extensions?: { code?: unknown; field?: unknown };
}

/** Reads Apollo's errors, fetch failures and our own into one shape. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as {
    graphQLErrors?: GraphQLErrorLike[];
    errors?: GraphQLErrorLike[];
    networkError?: unknown;
    extensions?: GraphQLErrorLike['extensions'];
    message?: string;
    name?: string;
  };
  const first = e?.graphQLErrors?.[0] ?? e?.errors?.[0] ?? (e?.extensions ? (e as GraphQLErrorLike) : undefined);
  if (first) {
    const code = String(first.extensions?.code ?? 'UNKNOWN');
    const field = typeof first.extensions?.field === 'string' ? first.extensions.field : undefined;
    return new ApiError(
      (KNOWN_CODES as readonly string[]).includes(code) ? (code as ServerErrorCode) : 'UNKNOWN',
      first.message ?? code,
      field,
    );
  }
  const network = e?.networkError as { statusCode?: number; result?: { errors?: GraphQLErrorLike[] } } | undefined;
  if (network?.result?.errors?.length) return toApiError({ graphQLErrors: network.result.errors });
  if (network || e?.name === 'TypeError' || e?.name === 'AbortError') return new ApiError('NETWORK', e?.message ?? 'network');
  return new ApiError('UNKNOWN', e?.message ?? String(error));
}

/** The locales/ key that explains an error to the person. */
export function errorMessageKey(error: unknown): string {
  const { code } = toApiError(error);
  switch (code) {
    case 'NETWORK':
      return 'errors.network';
    case 'UNAUTHENTICATED':
      return 'errors.unauthenticated';
    case 'FORBIDDEN':
      return 'errors.forbidden';
    case 'NOT_FOUND':
      return 'errors.notFound';
    case 'BAD_USER_INPUT':
      return 'errors.badInput';
    case 'CONFLICT':
      return 'errors.conflict';
    case 'RATE_LIMITED':
      return 'errors.rateLimited';
    case 'PASSWORD_CHANGE_REQUIRED':
      return 'errors.passwordChangeRequired';
    case 'UPDATE_REQUIRED':
      return 'errors.updateRequired';
    case 'QUERY_TOO_COMPLEX':
      return 'errors.queryTooComplex';
    case 'PAYLOAD_TOO_LARGE':
      return 'errors.payloadTooLarge';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'errors.unsupportedMediaType';
    case 'DATABASE_UNAVAILABLE':
      return 'errors.databaseUnavailable';
    default:
      return 'errors.unknown';
  }
}
