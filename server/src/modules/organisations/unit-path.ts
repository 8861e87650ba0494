/** The materialised path of a unit whose parent has `parentPath` (or none) and whose seq is `seq`. */
export function unitPath(parentPath: string | null, seq: number): string {
  return `${parentPath ?? '/'}${seq.toString(36)}/`;
}

/** The LIKE pattern matching a unit's path and every path below it. */
export function subtreePattern(path: string): string {
  // Paths hold only [0-9a-z/], so no LIKE metacharacter needs escaping.
  return `${path}%`;
}

/** True when `path` is `ancestorPath` itself or lies below it. */
export function isWithin(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}
