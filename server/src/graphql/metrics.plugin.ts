import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../common/metrics.js';
import type { Context } from './context.js';

/**
 * Times every GraphQL operation by its name and type (never its text) and counts the errors of
 * each answer by `extensions.code`, read after `formatError` has given every error its code.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async contextCreationDidFail({ error }) {
      metrics.graphqlErrors.inc({ code: codeOf(error) ?? 'INTERNAL_SERVER_ERROR', operation: '(none)' });
    },
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ operation, operationName, response }) {
          // Unparsable or invalid documents have no operation; their names are not trusted.
          const label = operation ? metrics.operationLabel(operationName) : '(invalid)';
          end({ operation: label, type: operation?.operation ?? 'unknown' });
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            metrics.graphqlErrors.inc({ code: codeOf(error) ?? 'INTERNAL_SERVER_ERROR', operation: label });
          }
        },
      };
    },
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof code === 'string' ? code : undefined;
}
