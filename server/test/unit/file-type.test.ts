import { describe, expect, it } from 'vitest';
import { sniffContentType } from '../../src/modules/attachments/file-type.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffContentType', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR')],
    ['image/webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
    ['image/heic', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0])],
    ['application/pdf', bytes('%PDF-1.7\n')],
  ])('recognises %s from its first bytes', (type, head) => {
    expect(sniffContentType(head)).toBe(type);
  });

  it.each([
    ['an HTML page', bytes('<!doctype html><script>alert(1)</script>')],
    ['an SVG image', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['an MP4 video', bytes([0, 0, 0, 0x18], 'ftypisom')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s whatever its name', (_what, head) => {
    expect(sniffContentType(head)).toBeNull();
  });
});
