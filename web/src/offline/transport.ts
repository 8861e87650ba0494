/**
 * How the sync client reaches the server: a function taking a GraphQL document and its variables
 * and resolving to the `data` of the answer. The app passes its one Apollo Client (with
 * `fetchPolicy: 'no-cache'`); tests pass `fetchTransport`.
 */
export type Transport = <T>(document: string, variables: Record<string, unknown>) => Promise<T>;

/** A GraphQL error answered by the server (as opposed to a network failure). */
export class ServerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** Counts bytes on the wire in both directions, for progress events and the bench. */
export interface ByteCounter {
  sent: number;
  received: number;
}

/** A transport over plain fetch: for tests, the bench and apps without Apollo. */
export function fetchTransport(
  url: string,
  getToken: () => string | null | Promise<string | null>,
  options: { fetch?: typeof fetch; bytes?: ByteCounter } = {},
): Transport {
  const doFetch = options.fetch ?? fetch;
  return async <T>(document: string, variables: Record<string, unknown>) => {
    const token = await getToken();
    const body = JSON.stringify({ query: document, variables });
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await res.text();
    if (options.bytes) {
      options.bytes.sent += new TextEncoder().encode(body).length;
      options.bytes.received += new TextEncoder().encode(text).length;
    }
    let json: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${res.status}: not a GraphQL answer`);
    }
    if (json.errors?.length) throw new ServerError(json.errors[0]!.message, json.errors[0]!.extensions?.code);
    if (!json.data) throw new Error(`HTTP ${res.status}: no data`);
    return json.data;
  };
}
