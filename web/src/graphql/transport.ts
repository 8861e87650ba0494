// The sync client's transport: sync pull and push go through the one Apollo Client, never cached.
import type { DocumentNode } from 'graphql';
import { parse } from 'graphql/language/parser';
import { ServerError, type Transport } from '../offline/transport';
import { apolloClient } from './client';
import { toApiError } from './errors';

const parsed = new Map<string, DocumentNode>();

function documentOf(source: string): DocumentNode {
  let document = parsed.get(source);
  if (!document) parsed.set(source, (document = parse(source)));
  return document;
}

/** GraphQL answers become ServerError (with their code); anything else is a network failure. */
export const apolloTransport: Transport = async <T>(source: string, variables: Record<string, unknown>): Promise<T> => {
  const document = documentOf(source);
  const isMutation = document.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'mutation');
  try {
    const result = isMutation
      ? await apolloClient.mutate<T>({ mutation: document, variables, fetchPolicy: 'no-cache' })
      : await apolloClient.query<T>({ query: document, variables, fetchPolicy: 'no-cache' });
    if (!result.data) throw new ServerError('no data', undefined);
    return result.data;
  } catch (error) {
    if (error instanceof ServerError) throw error;
    const api = toApiError(error);
    if (api.code === 'NETWORK' || api.code === 'UNKNOWN') throw new Error(api.message, { cause: error });
    throw new ServerError(api.message, api.code);
  }
};
