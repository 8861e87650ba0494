import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { Indicator } from '../../src/modules/indicators/indicator.entity.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { ProgressReport } from '../../src/modules/reports/progress-report.entity.js';
import { ReportIndicatorValue } from '../../src/modules/reports/report-indicator-value.entity.js';
import { periodContaining, ReportFrequency } from '../../src/modules/tasks/report-schedule.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildPlan, buildResolution, buildTree, tokenFor } from './factories.js';
import type { GraphQLResponse, TestApp } from './test-app.js';

/** A monthly schedule due the day its period ends, with this month and the three before it. */
export const MONTHLY = { frequency: ReportFrequency.MONTHLY, dueDays: 0 };
export const today = localDay();
/** The monthly period before `p`. */
export const before = (p: { startOn: string }) => periodContaining(MONTHLY, addDays(p.startOn, -1));
export const current = periodContaining(MONTHLY, today);
export const p1 = before(current);
export const p2 = before(p1);
export const p3 = before(p2);

export const fieldOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.field;

/** A tree with a plan of the province, and its focal officer, leader and the commune's reporter. */
export async function scheduleWorld(t: TestApp) {
  const em = t.em();
  const tree = await buildTree(em);
  const resolution = await buildResolution(em);
  const plan = await buildPlan(em, tree.province, { resolution });
  const focal = await tokenFor(t, tree.province, [Role.FOCAL]);
  const leader = await tokenFor(t, tree.province, [Role.LEADER]);
  const reporter = await tokenFor(t, tree.commune, [Role.REPORTER, Role.FOCAL]);
  return { tree, resolution, plan, focal, leader, reporter };
}

/**
 * A report stored as if it had arrived on `receivedOn` (noon in Vietnam), for the task's period
 * `periodKey` or with a value for an indicator's period.
 */
export async function storePastReport(
  t: TestApp,
  r: {
    taskId: string;
    unit: Unit;
    authorId: string;
    receivedOn: string;
    periodKey?: string;
    value?: { indicatorId: string; periodKey: string };
  },
) {
  const em = t.em();
  const at = new Date(`${r.receivedOn}T05:00:00Z`);
  const report = em.create(ProgressReport, {
    id: randomUUID(),
    task: em.getReference(Task, r.taskId),
    unit: r.unit,
    unitPath: r.unit.path,
    author: r.authorId as never,
    percent: 10,
    writtenAt: at,
    receivedAt: at,
    ...(r.periodKey ? { periodKey: r.periodKey } : {}),
  });
  if (r.value)
    em.create(ReportIndicatorValue, {
      report,
      indicator: em.getReference(Indicator, r.value.indicatorId),
      value: 40,
      periodKey: r.value.periodKey,
    });
  await em.flush();
}

export async function expectNoWarningDifferences(t: TestApp) {
  const { differences } = await verifyDerived(t.em(), { warnings: t.config.warnings });
  expect(differences.filter((d) => d.check.startsWith('warning'))).toEqual([]);
}
