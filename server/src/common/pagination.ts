import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { BadInputError } from './errors.js';

export const MAX_PAGE_SIZE = 200;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50 })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 50;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** A promise when the count is made only if the query selects it. */
  totalCount: number | Promise<number>;
}

/** A Relay connection type of `node` named `name`. */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node], { description: 'The same nodes as `edges`, for clients that need no cursors' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionClass;
}

/** Opaque keyset cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === length) return key;
  } catch {
    // fall through to the error below
  }
  throw new BadInputError('after', 'The cursor is not one this server issued');
}

/**
 * Builds a connection from `first + 1` rows fetched in order: the extra row only tells
 * whether another page exists. Given a function, the total is counted on first read of
 * `totalCount` (GraphQL reads it only when the query selects it), at most once.
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number | (() => Promise<number>),
  keyOf: (row: T) => unknown[],
): Connection<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  const conn = {
    edges,
    nodes,
    totalCount: 0 as number | Promise<number>,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
  if (typeof totalCount === 'number') conn.totalCount = totalCount;
  else {
    let counted: Promise<number> | undefined;
    Object.defineProperty(conn, 'totalCount', { enumerable: true, get: () => (counted ??= totalCount()) });
  }
  return conn;
}
