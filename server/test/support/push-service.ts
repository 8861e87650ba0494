import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

/** One POST the stand-in received, checked and decrypted. */
export interface ReceivedPush {
  deviceId: string;
  headers: http.IncomingHttpHeaders;
  /** The claims of the VAPID JWT, after its ES256 signature was verified with the key `k=`. */
  vapid: { aud: string; sub: string; exp: number; publicKey: string };
  /** The decrypted payload (RFC 8291, aes128gcm). */
  payload: string;
}

/** A browser's side of a subscription: the endpoint and the keys only it can decrypt with. */
export interface Device {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  ecdh: ECDH;
  authSecret: Buffer;
}

/**
 * A local push service standing in for FCM or Mozilla's: every device gets an endpoint on it;
 * each POST is checked like a real service does (VAPID JWT signature, audience, expiry) and its
 * body decrypted with the device's private key. `status(deviceId, code)` makes one device
 * answer 404, 410, 500… from then on.
 */
export class StandInPushService {
  readonly received: ReceivedPush[] = [];
  /** Requests that failed a check (bad VAPID header, undecryptable body), with the reason. */
  readonly refused: string[] = [];
  private readonly devices = new Map<string, Device>();
  private readonly statuses = new Map<string, number>();
  private server: http.Server | null = null;
  origin = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, Buffer.concat(chunks)).then((status) => {
          res.statusCode = status;
          res.end();
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A new browser subscription on this service. */
  device(): Device {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    const id = randomUUID();
    const device = {
      id,
      endpoint: `${this.origin}/push/${id}`,
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: authSecret.toString('base64url'),
      ecdh,
      authSecret,
    };
    this.devices.set(id, device);
    return device;
  }

  status(deviceId: string, code: number): void {
    this.statuses.set(deviceId, code);
  }

  pushesTo(device: Device): ReceivedPush[] {
    return this.received.filter((r) => r.deviceId === device.id);
  }

  /** Waits until `check` holds (the leader's sender runs on its own timer too). */
  async until(check: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`stand-in push service: condition not met in ${ms} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async handle(req: http.IncomingMessage, body: Buffer): Promise<number> {
    const deviceId = req.url?.match(/^\/push\/([0-9a-f-]+)$/)?.[1];
    const device = deviceId ? this.devices.get(deviceId) : undefined;
    if (req.method !== 'POST' || !device) return 404;
    try {
      const vapid = await verifyVapid(req.headers.authorization, this.origin);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
      if (!req.headers.ttl) throw new Error('no TTL header');
      const payload = decryptAes128gcm(body, device.ecdh, device.authSecret).toString('utf8');
      const status = this.statuses.get(device.id) ?? 201;
      if (status < 300) this.received.push({ deviceId: device.id, headers: req.headers, vapid, payload });
      return status;
    } catch (error) {
      this.refused.push(String(error));
      return 400;
    }
  }
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the JWT signed ES256 by that key, for this origin. */
async function verifyVapid(header: string | undefined, origin: string): Promise<ReceivedPush['vapid']> {
  const m = header?.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
  if (!m) throw new Error(`Authorization header is not VAPID: ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const raw = Buffer.from(k, 'base64url');
  const spki = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const { payload } = await jwtVerify(jwt, await importSPKI(spki, 'ES256'), { audience: origin });
  if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('VAPID JWT without sub or exp');
  if (payload.exp > Date.now() / 1000 + 24 * 3600) throw new Error('VAPID JWT expires more than 24 h ahead');
  return { aud: String(payload.aud), sub: payload.sub, exp: payload.exp, publicKey: k };
}

/** RFC 8291 + RFC 8188, written out here rather than borrowed from the library under test. */
export function decryptAes128gcm(body: Buffer, ecdh: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (record.length > recordSize) throw new Error('more than one record');
  const shared = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}
