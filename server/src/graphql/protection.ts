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

interface DocumentCosts {
  depth: number;
  /** Cost by operation name and scalar variables; bounded, as clients choose both. */
  byKey: Map<string, number>;
}

const MAX_COSTS_PER_DOCUMENT = 64;

function tooComplex(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...extensions, http: { status: 400 } } });
}

/** Refuses, before anything runs, operations nested too deeply or asking for too much work. */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin {
  // Apollo keeps one parsed document per query text, so a document's depth, and its cost for
  // given scalar variables, are worked out once, not on every push from every device.
  const costs = new WeakMap<DocumentNode, DocumentCosts>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let known = costs.get(document);
          if (!known) {
            known = { depth: queryDepth(document), byKey: new Map() };
            costs.set(document, known);
          }
          const { depth } = known;
          if (depth > limits.maxDepth) {
            throw tooComplex(`The query is nested ${depth} levels deep; the most allowed is ${limits.maxDepth}`, {
              depth,
              maxDepth: limits.maxDepth,
            });
          }
          // Only scalars change a cost (page sizes, @include/@skip); input objects and lists do not.
          const scalars = Object.entries(request.variables ?? {}).filter(([, v]) => v === null || typeof v !== 'object');
          const key = JSON.stringify([request.operationName ?? null, ...scalars.sort(([a], [b]) => (a < b ? -1 : 1))]);
          let complexity = known.byKey.get(key);
          if (complexity === undefined) {
            try {
              complexity = getComplexity({
                schema,
                query: document,
                variables: request.variables ?? {},
                operationName: request.operationName ?? undefined,
                estimators: [fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })],
              });
            } catch (error) {
              // Variables that do not coerce: requestErrorsPlugin refuses the request, naming the field.
              if (error instanceof GraphQLError && error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION) return;
              throw error;
            }
            if (known.byKey.size < MAX_COSTS_PER_DOCUMENT) known.byKey.set(key, complexity);
          }
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
