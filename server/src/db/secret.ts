import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

/** JWT_SECRET when set; otherwise a random secret kept in the data directory (development). */
export async function resolveSecret(config: Config): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return (await readFile(file, 'utf8')).trim();
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * The Web Push VAPID pair: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set; otherwise a pair made once
 * and kept in the data directory, so the subscriptions devices made with its public key keep working
 * across restarts. Several machines must share the variables (each would make its own pair).
 */
export async function resolveVapidKeys(config: Config): Promise<VapidKeys> {
  const { vapidPublicKey, vapidPrivateKey, vapidSubject } = config.push;
  if (vapidPublicKey && vapidPrivateKey) return { publicKey: vapidPublicKey, privateKey: vapidPrivateKey, subject: vapidSubject };
  const file = path.join(config.dataDir, 'vapid-keys.json');
  if (!existsSync(file)) {
    const { generateVAPIDKeys } = (await import('web-push')).default;
    await mkdir(config.dataDir, { recursive: true });
    // 'wx': two processes racing at first start keep the first pair, never a mix.
    await writeFile(file, JSON.stringify(generateVAPIDKeys()), { mode: 0o600, flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
  }
  const stored = JSON.parse(await readFile(file, 'utf8')) as { publicKey: string; privateKey: string };
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject: vapidSubject };
}
