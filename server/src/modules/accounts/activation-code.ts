import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

// No 0/o, 1/l/i: read aloud or copied from paper without doubt. 31 letters, 20 of them: 99 bits.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP = 5;

/** A new one-time activation code, `xxxxx-xxxxx-xxxxx-xxxxx`: about 99 bits of randomness. */
export function newActivationCode(): string {
  return Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  ).join('-');
}

/** The code as typed, without case, spaces or dashes. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/**
 * SHA-256 of the normalised code, hex. A fast hash is enough: the code is random with ~99 bits,
 * so no dictionary or brute force reaches it, and 150,000 of them hash in well under a second.
 */
export function hashActivationCode(code: string): string {
  return createHash('sha256').update(normalise(code)).digest('hex');
}

/** True when `code` is the one whose hash is `stored`, compared in constant time. */
export function activationCodeMatches(stored: string | null | undefined, code: string): boolean {
  if (!stored || stored.length !== 64) return false;
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(hashActivationCode(code), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
