import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { ConfigError, loadConfig } from '../../src/config.js';
import { resolveVapidKeys } from '../../src/db/secret.js';

describe('loadConfig', () => {
  it('gives working defaults for a newcomer', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.env).toBe('development');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.seedDemo).toBe(true);
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('reads each variable it documents', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@h:5432/db',
      CORS_ORIGINS: 'https://a.vn, https://b.vn',
      SEED_DEMO: 'false',
      WARN_STALE_DAYS: '10',
    });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://u@h:5432/db');
    expect(config.corsOrigins).toEqual(['https://a.vn', 'https://b.vn']);
    expect(config.seedDemo).toBe(false);
    expect(config.warnings.staleDays).toBe(10);
  });

  it('reads the Web Push variables, refusing half a key pair and malformed keys by name', () => {
    const pair = webpush.generateVAPIDKeys();
    const config = loadConfig({
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: 'mailto:ops@resolute.vn',
      PUSH_ENDPOINT_HOSTS: 'FCM.googleapis.com, push.example.vn',
      NOTIFY_DUE_SOON_DAYS: '3',
    });
    expect(config.push).toEqual({
      vapidPublicKey: pair.publicKey,
      vapidPrivateKey: pair.privateKey,
      vapidSubject: 'mailto:ops@resolute.vn',
      endpointHosts: ['fcm.googleapis.com', 'push.example.vn'],
      dueSoonDays: 3,
    });
    expect(loadConfig({ WARN_DUE_SOON_DAYS: '9' }).push.dueSoonDays).toBe(9);
    expect(loadConfig({}).push.endpointHosts).toContain('fcm.googleapis.com');
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: pair.publicKey })).toThrow(
      /VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together/,
    );
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: pair.privateKey, VAPID_PRIVATE_KEY: pair.privateKey })).toThrow(
      /VAPID_PUBLIC_KEY must be a base64url key of 65 bytes/,
    );
    expect(() => loadConfig({ VAPID_SUBJECT: 'ops@resolute.vn' })).toThrow(/VAPID_SUBJECT must be a URL/);
    expect(() => loadConfig({ VAPID_SUBJECT: 'http://resolute.vn' })).toThrow(/VAPID_SUBJECT must start with/);
  });

  it('keeps a generated VAPID pair in DATA_DIR and hands out the same one at every start', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resolute-vapid-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      const first = await resolveVapidKeys(config);
      expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
      expect(await resolveVapidKeys(config)).toEqual(first);
      expect((await stat(path.join(dataDir, 'vapid-keys.json'))).mode & 0o777).toBe(0o600);
      const pair = webpush.generateVAPIDKeys();
      const fromEnv = await resolveVapidKeys(
        loadConfig({ DATA_DIR: dataDir, VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey }),
      );
      expect(fromEnv.publicKey).toBe(pair.publicKey);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reads the scaling variables, and refuses them without a PostgreSQL of their own', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@primary/db',
      DATABASE_REPLICA_URLS: 'postgres://u@standby-1/db, postgresql://u@standby-2/db',
      REPLICA_MAX_LAG_SECONDS: '5',
      WEB_CONCURRENCY: '4',
    });
    expect(config.databaseReplicaUrls).toEqual(['postgres://u@standby-1/db', 'postgresql://u@standby-2/db']);
    expect(config.replicaMaxLagSeconds).toBe(5);
    expect(config.webConcurrency).toBe(4);
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://u@standby-1/db', WEB_CONCURRENCY: '2' })).toThrow(
      /DATABASE_REPLICA_URLS needs DATABASE_URL[\s\S]*WEB_CONCURRENCY above 1 needs DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@p/db', DATABASE_REPLICA_URLS: 'postgres://ok/db,redis://no' })).toThrow(
      /DATABASE_REPLICA_URLS must start with postgres:\/\/ or postgresql:\/\//,
    );
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY must be between 1 and 256/);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
      expect.unreachable('loadConfig accepted bad values');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as ConfigError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'JWT_SECRET']) expect(message).toContain(name);
      expect((e as ConfigError).problems).toHaveLength(4);
    }
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be between 0 and 65535/);
  });

  it('requires a secret and a database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required[\s\S]*DATABASE_URL is required/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://h/db' }).seedDemo).toBe(
      false,
    );
  });

  it('reads the sign-in limits and refuses a sign-in cap shorter than the sliding lifetime', () => {
    const config = loadConfig({ RATE_LIMIT_SIGNIN_PER_IP: '7', REFRESH_TOKEN_MAX_DAYS: '120', GRAPHQL_MAX_DEPTH: '8' });
    expect(config.rateLimits.signInPerIp).toBe(7);
    expect(config.refreshTokenMaxDays).toBe(120);
    expect(config.graphqlMaxDepth).toBe(8);
    expect(() => loadConfig({ REFRESH_TOKEN_TTL_DAYS: '60', REFRESH_TOKEN_MAX_DAYS: '30' })).toThrow(
      /REFRESH_TOKEN_MAX_DAYS must be at least/,
    );
  });
});
