import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNullableType,
  GraphQLError,
  isListType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../common/errors.js';
import { MAX_PAGE_SIZE } from '../common/pagination.js';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/** A list without a `first` argument is assumed to hold this many items. */
const UNBOUNDED_LIST_ITEMS = 5;

/**
 * Paginated fields cost their page size times their selection; other lists a guessed size. A
 * page size beyond the limit is left to argument validation, which names the field.
 */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (typeof args.first === 'number') return 1 + childComplexity * Math.min(Math.max(1, args.first), MAX_PAGE_SIZE);
  // A connection's edges and nodes are the page itself, already counted by its `first`.
  if (type.name.endsWith('Connection')) return undefined;
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * UNBOUNDED_LIST_ITEMS;
  return undefined;
};

/**
 * The depth of the deepest operation of `document`, following fragments; introspection fields
 * (`__schema`, `__type`) are not counted, so tools keep working where introspection is on.
 */
export function queryDepth(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let max = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__')) continue;
        max = Math.max(max, s.selectionSet ? 1 + depthOf(s.selectionSet, seen) : 1);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(s.selectionSet, seen));
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // cycles are refused by validation anyway
        max = Math.max(max, depthOf(fragment.selectionSet, new Set([...seen, name])));
      }
    }
    return max;
  };
  let depth = 0;
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) depth = Math.max(depth, depthOf(d.selectionSet, new Set()));
  }
  return depth;
}

function tooComplex(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...extensions, http: { status: 400 } } });
}

/**
 * The operation's cost. Variables are coerced here before Apollo does it, so a value its scalar
 * refuses (a day like 2026-02-30) is answered as the client's mistake, naming the field.
 */
function costOf(schema: GraphQLSchema, query: DocumentNode, variables: Record<string, unknown>, operationName?: string): number {
  try {
    return getComplexity({
      schema,
      query,
      variables,
      operationName,
      estimators: [fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (!(error instanceof GraphQLError) || !error.message.startsWith('Variable "$')) throw error;
    const at = /at "([^"]+)"/.exec(error.message)?.[1];
    const field = at
      ? at
          .split('.')
          .pop()!
          .replace(/\[\d+\]$/, '')
      : 'input';
    throw new GraphQLError(error.message, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, field, http: { status: 400 } },
    });
  }
}

/** Refuses, before anything runs, operations nested too deeply or asking for too much work. */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const depth = queryDepth(document);
          if (depth > limits.maxDepth) {
            throw tooComplex(`The query is nested ${depth} levels deep; the most allowed is ${limits.maxDepth}`, {
              depth,
              maxDepth: limits.maxDepth,
            });
          }
          const complexity = costOf(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          if (complexity > limits.maxComplexity) {
            throw tooComplex(
              `The query would cost ${complexity} points; the most allowed is ${limits.maxComplexity}. Ask for smaller pages or fewer fields`,
              { complexity, maxComplexity: limits.maxComplexity },
            );
          }
        },
      };
    },
  };
}
