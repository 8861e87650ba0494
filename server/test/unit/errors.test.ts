import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadInputError, NotFoundError } from '../../src/common/errors.js';
import type { Logger } from '../../src/common/logger.js';
import { formatError } from '../../src/graphql/errors.js';

function recordingLogger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
    child: () => logger,
  };
  return { logger, lines };
}

const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['task'] });

describe('formatError', () => {
  it('passes our own errors with their code and fields', () => {
    const { logger } = recordingLogger();
    const out = formatError(logger)({ message: 'x' }, wrap(new BadInputError('percent', 'Percent must be between 0 and 100')));
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'percent' });
    expect(out.message).toBe('Percent must be between 0 and 100');
  });

  it('answers a missing and a forbidden id alike', () => {
    const { logger } = recordingLogger();
    const out = formatError(logger)({ message: 'x' }, wrap(new NotFoundError('Task', 'abc')));
    expect(out.extensions?.code).toBe('NOT_FOUND');
    expect(out.message).toBe('Task not found');
  });

  it('hides an unexpected error behind a generic message and logs its stack', () => {
    const { logger, lines } = recordingLogger();
    const secret = new Error('connection to 10.0.0.5 failed: password authentication failed for "resolute"');
    const out = formatError(logger)(
      { message: secret.message, path: ['task'], extensions: { stacktrace: ['at x'] } },
      wrap(secret),
    );
    expect(out).toEqual({ message: 'Internal server error', path: ['task'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(out)).not.toContain('10.0.0.5');
    const logged = lines.find((l) => l.level === 'error');
    expect((logged?.fields?.error as Error).stack).toContain('password authentication failed');
  });
});
