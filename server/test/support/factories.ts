import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, localDay } from '../../src/common/dates.js';
import { Account } from '../../src/modules/accounts/account.entity.js';
import { Role } from '../../src/modules/accounts/role.js';
import { Indicator, IndicatorDirection } from '../../src/modules/indicators/indicator.entity.js';
import { Unit } from '../../src/modules/organisations/unit.entity.js';
import { unitPath } from '../../src/modules/organisations/unit-path.js';
import { ActionPlan } from '../../src/modules/plans/action-plan.entity.js';
import { ProgressReport } from '../../src/modules/reports/progress-report.entity.js';
import { Resolution } from '../../src/modules/resolutions/resolution.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import type { Viewer } from '../../src/modules/scope/viewer.js';
import type { TestApp } from './test-app.js';

// Factories write straight to the database with overridable defaults; parents are built on demand.

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function buildUnit(
  em: EntityManager,
  over: Partial<{ parent: Unit | null; code: string; name: string; kind: string }> = {},
): Promise<Unit> {
  const [{ seq }] = await em.getConnection().execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq`);
  const parent = over.parent ?? null;
  const unit = em.create(Unit, {
    seq,
    code: over.code ?? `U-${next()}`,
    name: over.name ?? `Đơn vị ${seq}`,
    kind: over.kind ?? (parent ? 'UNIT' : 'CENTRAL'),
    parent,
    path: unitPath(parent?.path ?? null, seq),
    depth: parent ? parent.depth + 1 : 0,
  });
  await em.flush();
  return unit;
}

/** A typical tree: central → two provinces → two communes in the first → a cell in each. */
export async function buildTree(em: EntityManager) {
  const central = await buildUnit(em, { kind: 'CENTRAL', name: 'Trung ương' });
  const province = await buildUnit(em, { parent: central, kind: 'PROVINCE', name: 'Tỉnh Lâm Đồng' });
  const otherProvince = await buildUnit(em, { parent: central, kind: 'PROVINCE', name: 'Thành phố Hà Nội' });
  const commune = await buildUnit(em, { parent: province, kind: 'COMMUNE', name: 'Phường Xuân Hương' });
  const siblingCommune = await buildUnit(em, { parent: province, kind: 'COMMUNE', name: 'Phường Lang Biang' });
  const cell = await buildUnit(em, { parent: commune, kind: 'CELL', name: 'Chi bộ 1' });
  const siblingCell = await buildUnit(em, { parent: commune, kind: 'CELL', name: 'Chi bộ 2' });
  const otherCommune = await buildUnit(em, { parent: otherProvince, kind: 'COMMUNE', name: 'Phường Hoàn Kiếm' });
  return { central, province, otherProvince, commune, siblingCommune, cell, siblingCell, otherCommune };
}

export async function buildAccount(
  em: EntityManager,
  unit: Unit,
  roles: Role[] = [Role.REPORTER],
  over: Partial<{ username: string; passwordHash: string; mustChangePassword: boolean }> = {},
): Promise<Account> {
  const account = em.create(Account, {
    username: over.username ?? `user.${next()}`,
    displayName: 'Cán bộ thử nghiệm',
    unit,
    roles,
    // A hash of nothing: only a session made by signInAs opens this account.
    passwordHash: over.passwordHash ?? '$argon2id$v=19$m=19456,t=2,p=1$invalid$invalid',
    mustChangePassword: over.mustChangePassword ?? false,
  });
  await em.flush();
  return account;
}

/** An access token for a new account at `unit` with `roles`. */
export async function tokenFor(t: TestApp, unit: Unit, roles: Role[]): Promise<{ token: string; account: Account }> {
  const em = t.em();
  const account = await buildAccount(em, unit, roles);
  const session = await t.app.services.auth.startSession(em, account);
  return { token: session.accessToken, account };
}

export async function buildResolution(em: EntityManager, over: Partial<Resolution> = {}): Promise<Resolution> {
  const r = em.create(Resolution, {
    code: over.code ?? `${next()}-NQ/TW`,
    titleVi: 'Nghị quyết thử nghiệm',
    titleEn: 'Test resolution',
    issuedOn: '2025-01-01',
    ...over,
  });
  await em.flush();
  return r;
}

export async function buildPlan(
  em: EntityManager,
  ownerUnit: Unit,
  over: Partial<{ resolution: Resolution; title: string; approvalLevels: number }> = {},
): Promise<ActionPlan> {
  const resolution = over.resolution ?? (await buildResolution(em));
  const plan = em.create(ActionPlan, {
    resolution,
    ownerUnit,
    title: over.title ?? 'Kế hoạch',
    periodStart: '2025-01-01',
    periodEnd: '2030-12-31',
    approvalLevels: over.approvalLevels ?? 1,
  });
  await em.flush();
  return plan;
}

export interface TaskOverrides {
  plan: ActionPlan;
  parent: Task | null;
  assigner: Unit;
  lead: Unit;
  title: string;
  dueOn: string | null;
  startOn: string | null;
  description: string | null;
  responsiblePerson: string | null;
  expectedResult: string | null;
  progress: number;
}

export async function buildTask(em: EntityManager, over: Partial<TaskOverrides> & { lead: Unit }): Promise<Task> {
  const assigner = over.assigner ?? over.lead;
  const plan = over.plan ?? (await buildPlan(em, assigner));
  const dueOn = over.dueOn === undefined ? addDays(localDay(), 30) : over.dueOn;
  const task = em.create(Task, {
    plan,
    resolution: plan.resolution,
    parent: over.parent ?? null,
    depth: over.parent ? over.parent.depth + 1 : 0,
    title: over.title ?? `Nhiệm vụ ${next()}`,
    description: over.description === undefined ? 'Mô tả nhiệm vụ' : over.description,
    assignerUnit: assigner,
    assignerUnitPath: assigner.path,
    leadUnit: over.lead,
    leadUnitPath: over.lead.path,
    responsiblePerson: over.responsiblePerson === undefined ? 'Người phụ trách' : over.responsiblePerson,
    expectedResult: over.expectedResult === undefined ? 'Báo cáo kết quả' : over.expectedResult,
    startOn: over.startOn === undefined ? (dueOn && dueOn < localDay() ? dueOn : localDay()) : over.startOn,
    dueOn,
    progress: over.progress ?? 0,
  });
  await em.flush();
  return task;
}

export async function buildIndicator(em: EntityManager, task: Task, over: Partial<Indicator> = {}): Promise<Indicator> {
  const i = em.create(Indicator, {
    task,
    name: 'Chỉ tiêu',
    unitOfMeasure: '%',
    baseline: 0,
    target: 100,
    direction: IndicatorDirection.HIGHER_IS_BETTER,
    ...over,
  });
  await em.flush();
  return i;
}

export async function buildReport(
  em: EntityManager,
  task: Task,
  author: Account,
  over: Partial<{ percent: number; receivedAt: Date; id: string }> = {},
): Promise<ProgressReport> {
  const lead = await em.findOneOrFail(Unit, { id: task.leadUnit.id });
  const r = em.create(ProgressReport, {
    id: over.id ?? randomUUID(),
    task,
    unit: lead,
    unitPath: lead.path,
    author,
    percent: over.percent ?? 50,
    writtenAt: over.receivedAt ?? new Date(),
    receivedAt: over.receivedAt ?? new Date(),
  });
  await em.flush();
  return r;
}

/** The viewer a request by `account` of `unit` would carry, for calling services directly. */
export function viewerOf(account: Account, unit: Unit): Viewer {
  return {
    accountId: account.id,
    username: account.username,
    displayName: account.displayName,
    unitId: unit.id,
    unitPath: unit.path,
    roles: account.roles,
    mustChangePassword: false,
    familyId: randomUUID(),
  };
}
