import { describe, expect, it } from 'vitest';
import { spawnServer } from '../support/server-process.js';
import { createTestDatabase } from '../support/test-app.js';

const start = (env: Record<string, string>) => spawnServer('src/main.ts', [], env);

describe('the server process', () => {
  it('refuses to start on a bad variable, naming it', async () => {
    const p = start({ PORT: 'abc', DATABASE_URL: 'postgres://127.0.0.1/none' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('PORT must be a whole number');
  });

  it('migrates, serves, and shuts down cleanly on SIGTERM', async () => {
    const databaseUrl = await createTestDatabase();
    const p = start({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'x'.repeat(40),
      METRICS_PORT: '0',
    });
    const [, url] = await p.waitFor(/"url":"(http:\/\/localhost:\d+\/)","graphql"/);
    const health = await fetch(`${url}healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await p.waitFor(/"url":"\/healthz".*"msg":"request completed"/);
    // The metrics listener answers on its own port, without a token when none is set.
    const [, metricsUrl] = await p.waitFor(/"url":"(http:\/\/localhost:\d+\/metrics)","msg":"metrics listening"/);
    expect(metricsUrl).not.toBe(`${url}metrics`);
    const scrape = await fetch(metricsUrl!);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(
      /resolute_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/,
    );
    expect((await fetch(`${url}metrics`)).status).toBe(404);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/"service":"resolute","signal":"SIGTERM","msg":"shutting down"/);
    expect(p.output()).toContain('"msg":"stopped"');
  }, 60_000);
});
