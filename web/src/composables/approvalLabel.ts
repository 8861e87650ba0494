/** What a report says about its approval chain (docs/WORKFLOW.md, "Approval levels"). */
export interface ApprovalShape {
  state?: string;
  approvalLevels?: number | null;
  approvedLevels?: number | null;
  awaitingUnitKind?: string | null;
}

type Translate = (key: string, named?: Record<string, unknown>) => string;
type Exists = (key: string) => boolean;

/** True for a report approved at a lower level and waiting for the next: it does not count yet. */
export function approvedBelowFinal(r: ApprovalShape): boolean {
  return r.state === 'SUBMITTED' && (r.approvedLevels ?? 0) > 0;
}

/**
 * Where a SUBMITTED report waits, in words: "Chờ tỉnh duyệt" / "Awaiting province" when it has
 * more than one level (by the kind of the unit it waits on, or its level number for a kind the
 * locales do not name); a one-level report keeps the plain "awaiting review".
 */
export function awaitingLabel(t: Translate, te: Exists, r: ApprovalShape): string {
  const levels = r.approvalLevels ?? 1;
  if (levels <= 1) return t('review.submitted');
  const kindKey = r.awaitingUnitKind ? `review.awaiting.${r.awaitingUnitKind}` : null;
  if (kindKey && te(kindKey)) return t(kindKey);
  return t('review.awaitingLevel', { level: (r.approvedLevels ?? 0) + 1, levels });
}
