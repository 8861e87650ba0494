import { vi } from 'vitest';
import type { DocumentNode } from 'graphql';
import { apolloClient } from '../../src/graphql/client';

type Answer = Record<string, unknown> | Error;
type Handler = (variables: Record<string, unknown>) => Answer | Promise<Answer>;

/** A GraphQL refusal as Apollo raises it: the code in `extensions`, as the server sends it. */
export function serverError(code: string, message = 'refused', field?: string): Error {
  return Object.assign(new Error(message), {
    graphQLErrors: [{ message, extensions: { code, ...(field ? { field } : {}) } }],
  });
}

function nameOf(document: DocumentNode): string {
  const op = document.definitions.find((d) => d.kind === 'OperationDefinition');
  return op && 'name' in op && op.name ? op.name.value : '';
}

/**
 * Answers the app's Apollo Client by operation name, recording every call. An operation with no
 * handler fails the test loudly instead of waiting on a network.
 */
export function answerApollo(handlers: Record<string, Handler>) {
  const calls: { operation: string; variables: Record<string, unknown> }[] = [];
  const answer = async (document: DocumentNode, variables: Record<string, unknown> = {}) => {
    const operation = nameOf(document);
    calls.push({ operation, variables });
    const handler = handlers[operation];
    if (!handler) throw new Error(`no answer for ${operation}`);
    const result = await handler(variables);
    if (result instanceof Error) throw result;
    return { data: result, loading: false, networkStatus: 7 };
  };
  vi.spyOn(apolloClient, 'query').mockImplementation(((options: { query: DocumentNode; variables?: Record<string, unknown> }) =>
    answer(options.query, options.variables)) as never);
  vi.spyOn(apolloClient, 'mutate').mockImplementation(((options: {
    mutation: DocumentNode;
    variables?: Record<string, unknown>;
  }) => answer(options.mutation, options.variables)) as never);
  return { calls, of: (operation: string) => calls.filter((c) => c.operation === operation) };
}
