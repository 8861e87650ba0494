import { localDay } from '../../common/dates.js';
import { WarningKind, type Finding } from './warning-rules.js';

export type Lang = 'vi' | 'en';

const viDate = (d?: string | null) => (d ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '');
const pct = (n?: number) => `${Math.round(n ?? 0)}%`;
const clip = (s?: string | null) => {
  const t = (s ?? '').trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
};

/** A period key as people write it: 11/2026, Q4/2026 (quý 4/2026), H2/2026 (6 tháng cuối 2026), 2026. */
export function periodLabel(key: string | undefined, lang: Lang): string {
  if (!key) return '';
  const [year, part] = key.split('-');
  if (!part) return lang === 'vi' ? `năm ${year}` : year!;
  if (part.startsWith('Q')) return lang === 'vi' ? `quý ${part.slice(1)}/${year}` : `${part}/${year}`;
  if (part.startsWith('H')) return lang === 'vi' ? `6 tháng ${part === 'H1' ? 'đầu' : 'cuối'} năm ${year}` : `${part}/${year}`;
  return `${part}/${year}`;
}

/** Why a warning was raised, in words, in Vietnamese or English. */
export function describeWarning(f: Finding, lang: Lang): string {
  const p = f.params;
  const vi = lang === 'vi';
  switch (f.kind) {
    case WarningKind.OVERDUE:
      return vi
        ? `Quá hạn ${p.daysOverdue} ngày (hạn ${viDate(p.dueOn)}), tiến độ ${pct(p.progress)}.`
        : `Overdue by ${p.daysOverdue} days (due ${p.dueOn}), progress ${pct(p.progress)}.`;
    case WarningKind.DUE_SOON:
      return vi
        ? `Còn ${p.daysLeft} ngày đến hạn (${viDate(p.dueOn)}) nhưng tiến độ mới ${pct(p.progress)}.`
        : `Due in ${p.daysLeft} days (${p.dueOn}) with progress only ${pct(p.progress)}.`;
    case WarningKind.BEHIND_SCHEDULE:
      return vi
        ? `Chậm tiến độ: đã qua ${pct(p.elapsedPercent)} thời gian nhưng mới đạt ${pct(p.progress)}.`
        : `Behind schedule: ${pct(p.elapsedPercent)} of the time has passed but progress is ${pct(p.progress)}.`;
    case WarningKind.STALE:
      return p.neverReported
        ? vi
          ? `Chưa có báo cáo nào sau ${p.daysSinceReport} ngày.`
          : `No report at all in ${p.daysSinceReport} days.`
        : vi
          ? `Không có báo cáo mới trong ${p.daysSinceReport} ngày.`
          : `No new report for ${p.daysSinceReport} days.`;
    case WarningKind.OBSTACLE:
      return vi
        ? `Báo cáo gần nhất nêu vướng mắc${p.obstacles ? `: “${clip(p.obstacles)}”` : '.'}`
        : `The latest report raises an obstacle${p.obstacles ? `: “${clip(p.obstacles)}”` : '.'}`;
    case WarningKind.RETURNED:
      return vi
        ? `Báo cáo bị trả lại${p.returnedAt ? ` ngày ${viDate(localDay(p.returnedAt))}` : ''} và chưa được gửi lại${p.reviewComment ? `: “${clip(p.reviewComment)}”` : '.'}`
        : `Report returned${p.returnedAt ? ` on ${localDay(p.returnedAt)}` : ''} and not resubmitted${p.reviewComment ? `: “${clip(p.reviewComment)}”` : '.'}`;
    case WarningKind.FORECAST_MISS:
      return p.projectedOn
        ? vi
          ? `Theo xu hướng báo cáo, dự kiến hoàn thành ngày ${viDate(p.projectedOn)}, sau hạn ${viDate(p.dueOn)}.`
          : `At the reported pace it would finish on ${p.projectedOn}, after the due date ${p.dueOn}.`
        : vi
          ? `Tiến độ báo cáo không tăng: với đà này sẽ không hoàn thành trước hạn ${viDate(p.dueOn)}.`
          : `Reported progress is not rising: at this pace it will not finish by ${p.dueOn}.`;
    case WarningKind.MISSED_REPORT: {
      const more = (p.missedPeriods ?? 1) - 1;
      if (p.indicatorName)
        return vi
          ? `Chỉ tiêu «${clip(p.indicatorName)}» thiếu báo cáo kỳ ${periodLabel(p.periodKey, 'vi')} (hạn ${viDate(p.periodDueOn)})${more > 0 ? ` và ${more} kỳ trước đó` : ''}.`
          : `Indicator “${clip(p.indicatorName)}”: no report for ${periodLabel(p.periodKey, 'en')} (due ${p.periodDueOn})${more > 0 ? ` and ${more} earlier ${more === 1 ? 'period' : 'periods'}` : ''}.`;
      return vi
        ? `Thiếu báo cáo kỳ ${periodLabel(p.periodKey, 'vi')} (hạn ${viDate(p.periodDueOn)})${more > 0 ? ` và ${more} kỳ trước đó` : ''}.`
        : `No report for ${periodLabel(p.periodKey, 'en')} (due ${p.periodDueOn})${more > 0 ? ` and ${more} earlier ${more === 1 ? 'period' : 'periods'}` : ''}.`;
    }
    case WarningKind.REVIEW_BOTTLENECK:
      return vi
        ? `${p.waitingReports} báo cáo đang chờ duyệt, lâu nhất ${p.oldestWaitingDays} ngày.`
        : `${p.waitingReports} reports waiting for review, the oldest for ${p.oldestWaitingDays} days.`;
    case WarningKind.EXTENSION_BOTTLENECK:
      return vi
        ? `Đề nghị gia hạn đến ${viDate(p.requestedDueOn)} đã chờ đơn vị giao quyết định ${p.waitingDays} ngày (hạn hiện tại ${viDate(p.dueOn)}).`
        : `A request to extend the due date to ${p.requestedDueOn} has waited ${p.waitingDays} days for the assigning unit’s decision (due ${p.dueOn}).`;
  }
}
