import { vi } from 'vitest';

export interface GraphQLCall {
  operationName: string;
  variables: Record<string, unknown>;
}

type Answer =
  { data?: unknown; errors?: unknown[] } | ((variables: Record<string, unknown>) => { data?: unknown; errors?: unknown[] });

/**
 * Stubs `fetch` at the network: GraphQL operations are answered by name from `answers`, other
 * URLs from `files`. Every GraphQL call is recorded with its variables; an unknown operation
 * fails the test loudly.
 */
export function stubServer(answers: Record<string, Answer>, files: Record<string, Blob> = {}) {
  const calls: GraphQLCall[] = [];
  const fileRequests: { url: string; authorization: string | null }[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.endsWith('/graphql')) {
      const headers = new Headers(init?.headers);
      fileRequests.push({ url, authorization: headers.get('authorization') });
      const blob = files[url];
      return blob ? new Response(blob, { status: 200 }) : new Response('', { status: 404 });
    }
    const body = JSON.parse(String(init?.body)) as GraphQLCall;
    calls.push({ operationName: body.operationName, variables: body.variables ?? {} });
    const answer = answers[body.operationName];
    if (!answer) throw new Error(`no stubbed answer for ${body.operationName}`);
    const payload = typeof answer === 'function' ? answer(body.variables ?? {}) : answer;
    return new Response(JSON.stringify(payload), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchStub);
  return {
    calls,
    fileRequests,
    /** The calls of one operation, in order. */
    of: (name: string) => calls.filter((c) => c.operationName === name),
  };
}

/** A GraphQL error answer as the server gives it. */
export const gqlError = (code: string, message: string, field?: string) => ({
  errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }],
});
