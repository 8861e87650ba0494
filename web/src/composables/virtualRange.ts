/**
 * Which rows of a virtualised list to render: those overlapping the visible band
 * [viewTop, viewTop + viewHeight), plus `overscan` rows on each side. `offsets[i]` is the top of
 * row i relative to the list and `offsets[n]` the list's total height (n + 1 entries, ascending).
 */
export function visibleRange(
  offsets: ArrayLike<number>,
  viewTop: number,
  viewHeight: number,
  overscan: number,
): { start: number; end: number } {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  // First row whose bottom is below the top of the band.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1]! <= viewTop) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.min(lo, n - 1);
  let last = first;
  const bottom = viewTop + Math.max(viewHeight, 0);
  while (last < n && offsets[last]! < bottom) last++;
  return { start: Math.max(0, first - overscan), end: Math.min(n, Math.max(last, first + 1) + overscan) };
}
