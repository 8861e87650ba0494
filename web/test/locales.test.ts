import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../src/locales/en.json';
import vi from '../src/locales/vi.json';
import { preferredLocale } from '../src/i18n';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'offline' ? [] : sourceFiles(full);
    return /\.(vue|ts)$/.test(name) ? [full] : [];
  });
}

describe('locales', () => {
  it('Vietnamese and English have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
  });

  it('has no empty message in either language', () => {
    for (const messages of [vi, en]) {
      const empty = keys(messages).filter(
        (k) => !String(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], messages)).trim(),
      );
      expect(empty).toEqual([]);
    }
  });

  it('defines every literal key the source code asks for', () => {
    const known = new Set(keys(vi));
    const src = path.join(import.meta.dirname, '..', 'src');
    const missing: string[] = [];
    for (const file of sourceFiles(src)) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/\bt\(\s*'([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g))
        if (!known.has(m[1]!)) missing.push(`${m[1]} in ${path.basename(file)}`);
      for (const m of code.matchAll(/key: '([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g))
        if (!known.has(m[1]!)) missing.push(`${m[1]} in ${path.basename(file)}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('preferredLocale', () => {
  it('keeps the choice the person made on this device', () => {
    expect(preferredLocale('en', ['vi-VN'])).toBe('en');
  });

  it('follows the browser when nothing was chosen', () => {
    expect(preferredLocale(null, ['en-GB', 'vi'])).toBe('en');
    expect(preferredLocale(null, ['fr-FR', 'vi-VN'])).toBe('vi');
  });

  it('falls back to Vietnamese for a browser in another language', () => {
    expect(preferredLocale(null, ['fr-FR'])).toBe('vi');
  });
});
