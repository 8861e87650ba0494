import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to one request:
 * - pass: forwards it and its answer;
 * - lose-response: forwards it, waits for the server's answer (so it has committed), then cuts
 *   the client's connection without answering;
 * - reset-request: forwards half the body, then cuts both connections;
 * - duplicate: delivers the request twice at once and answers with one of the two.
 */
export type Fault = 'pass' | 'lose-response' | 'reset-request' | 'duplicate';

export interface ProxiedRequest {
  method: string;
  url: string;
  body: Buffer;
}

/** A small HTTP proxy on 127.0.0.1 that injects faults chosen per request by `decide`. */
export class FaultProxy {
  decide: (req: ProxiedRequest) => Fault = () => 'pass';
  readonly counts: Record<Fault, number> = { pass: 0, 'lose-response': 0, 'reset-request': 0, duplicate: 0 };
  private server: http.Server | null = null;

  constructor(private readonly target: () => string) {}

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const p: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body };
    const fault = this.decide(p);
    this.counts[fault]++;
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'authorization', 'upload-offset']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    try {
      if (fault === 'reset-request') {
        await this.forwardHalf(p, headers);
        req.socket.destroy();
        return;
      }
      if (fault === 'duplicate') {
        const [, second] = await Promise.all([this.forward(p, headers), this.forward(p, headers)]);
        this.answer(res, second);
        return;
      }
      const answer = await this.forward(p, headers);
      if (fault === 'lose-response') {
        req.socket.destroy();
        return;
      }
      this.answer(res, answer);
    } catch {
      req.socket.destroy();
    }
  }

  private answer(res: http.ServerResponse, a: { status: number; headers: Record<string, string>; body: Buffer }): void {
    res.writeHead(a.status, a.headers);
    res.end(a.body);
  }

  private forward(p: ProxiedRequest, headers: Record<string, string>) {
    return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const up = http.request(
        `${this.target()}${p.url}`,
        { method: p.method, headers: { ...headers, 'content-length': String(p.body.length) } },
        (r) => {
          const out: Buffer[] = [];
          r.on('data', (c: Buffer) => out.push(c));
          r.on('end', () => {
            const h: Record<string, string> = {};
            for (const k of ['content-type', 'upload-offset'])
              if (typeof r.headers[k] === 'string') h[k] = r.headers[k] as string;
            resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(out) });
          });
          r.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(p.body);
    });
  }

  private forwardHalf(p: ProxiedRequest, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve) => {
      const up = http.request(`${this.target()}${p.url}`, {
        method: p.method,
        headers: { ...headers, 'content-length': String(p.body.length) },
      });
      up.on('error', () => resolve());
      up.write(p.body.subarray(0, Math.floor(p.body.length / 2)), () => {
        setTimeout(() => {
          up.destroy();
          resolve();
        }, 5);
      });
    });
  }
}
