import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../common/errors.js';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import { appendChanges } from '../derived/change-log.js';
import { RECIPIENT_ROLES } from '../notifications/notification.service.js';
import { NotificationKind } from '../notifications/notification.entity.js';
import { isWithin } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import { TaskPriority, TaskState } from '../tasks/task.enums.js';
import { ImportOutcome, ImportReason } from './import-columns.js';
import {
  KEYS,
  RowRefusal,
  day,
  inSlices,
  optional,
  refuse,
  required,
  selectByKeys,
  text,
  type RowResult,
  type SourceRow,
} from './import-plan.js';

const PRIORITY_WORDS: Record<string, TaskPriority> = {
  thấp: TaskPriority.LOW,
  'bình thường': TaskPriority.NORMAL,
  cao: TaskPriority.HIGH,
  khẩn: TaskPriority.URGENT,
  'khẩn cấp': TaskPriority.URGENT,
};

/** The fields an import sets and compares. */
interface Fields {
  title: string;
  description: string | null;
  responsiblePerson: string | null;
  expectedResult: string | null;
  startOn: string | null;
  dueOn: string | null;
  priority: TaskPriority;
  weight: number;
}
/** The task table's column of each imported field. */
const FIELD_COLUMNS: Record<string, keyof Fields> = {
  title: 'title',
  description: 'description',
  responsible_person: 'responsiblePerson',
  expected_result: 'expectedResult',
  start_on: 'startOn',
  due_on: 'dueOn',
  priority: 'priority',
  weight: 'weight',
};

interface ExistingTask {
  id: string;
  external_ref: string | null;
  parent_id: string | null;
  parent_ref: string | null;
  plan_id: string;
  resolution_id: string;
  lead_unit_id: string;
  lead_code: string;
  lead_unit_path: string;
  assigner_unit_path: string;
  state: TaskState;
  depth: number;
  title: string;
  description: string | null;
  responsible_person: string | null;
  expected_result: string | null;
  start_on: string | null;
  due_on: string | null;
  priority: TaskPriority;
  weight: number;
  version: number;
}

interface UnitRef {
  id: string;
  code: string;
  path: string;
  active: boolean;
}

/** Where a task sits once its row is resolved: what its children inherit. */
interface Placement {
  id: string;
  planId: string;
  resolutionId: string;
  resolutionCode: string;
  leadUnitId: string;
  leadUnitPath: string;
  assignerUnitId: string;
  assignerUnitPath: string;
  parentId: string | null;
  depth: number;
  dueOn: string | null;
}

interface TaskRow {
  src: SourceRow;
  ref: string;
  parentRef: string | null;
  fields: Fields | null;
  result: RowResult;
  existing: ExistingTask | null;
  placement: Placement | null;
  lead: UnitRef | null;
}

export interface TaskPlan {
  creates: TaskRow[];
  updates: TaskRow[];
}

function fieldsOf(values: SourceRow['values']): Fields {
  const title = required(values, 'title', 500);
  const description = optional(values, 'description', 10_000);
  const responsiblePerson = optional(values, 'responsiblePerson', 255);
  const expectedResult = optional(values, 'expectedResult', 10_000);
  const startOn = day(values, 'startOn');
  const dueOn = day(values, 'dueOn');
  if (startOn && dueOn && dueOn < startOn) refuse('dueOn', ImportReason.DUE_BEFORE_START);
  const p = text(values, 'priority');
  let priority = TaskPriority.NORMAL;
  if (p) {
    const found = (Object.values(TaskPriority) as string[]).includes(p.toUpperCase())
      ? (p.toUpperCase() as TaskPriority)
      : PRIORITY_WORDS[p.toLowerCase()];
    if (!found) refuse('priority', ImportReason.BAD_VALUE, p.slice(0, 40));
    priority = found!;
  }
  const w = text(values, 'weight').replace(',', '.');
  const weight = w ? Number(w) : 1;
  if (!Number.isFinite(weight) || weight <= 0 || weight > 1000)
    refuse('weight', ImportReason.BAD_VALUE, 'above 0 and at most 1000');
  return { title, description, responsiblePerson, expectedResult, startOn, dueOn, priority, weight };
}

function existingFields(e: ExistingTask): Fields {
  return {
    title: e.title,
    description: e.description,
    responsiblePerson: e.responsible_person,
    expectedResult: e.expected_result,
    startOn: e.start_on,
    dueOn: e.due_on,
    priority: e.priority,
    weight: Number(e.weight),
  };
}

function changedFields(before: Fields, after: Fields): (keyof Fields)[] {
  return (Object.keys(after) as (keyof Fields)[]).filter((k) => before[k] !== after[k]);
}

/**
 * Tasks: matched by their reference. A top row goes into the importer's unit's plan for its
 * resolution, assigned by the importer's unit; a row with a parent is a sub-task assigned by the
 * parent's lead unit, into the parent's plan. Every lead unit lies below its assigner, and no
 * sub-task is due after its parent.
 */
export async function planTasks(
  em: EntityManager,
  viewer: Viewer,
  rows: SourceRow[],
): Promise<{ results: RowResult[]; plan: TaskPlan }> {
  const items: TaskRow[] = [];
  const byRef = new Map<string, TaskRow>();
  for (const src of rows) {
    const ref = text(src.values, 'externalRef');
    const result: RowResult = { row: src.row, outcome: ImportOutcome.CREATE, key: ref, column: null, reason: null, detail: null };
    const item: TaskRow = { src, ref, parentRef: null, fields: null, result, existing: null, placement: null, lead: null };
    items.push(item);
    try {
      required(src.values, 'externalRef', 100);
      const earlier = byRef.get(ref);
      if (earlier) refuse('externalRef', ImportReason.DUPLICATE_IN_FILE, String(earlier.src.row));
      byRef.set(ref, item);
      item.parentRef = optional(src.values, 'parentRef', 100);
      required(src.values, 'leadUnitCode', 64);
      item.fields = fieldsOf(src.values);
    } catch (e) {
      settle(item, e);
    }
  }
  const live = items.filter((i) => i.result.outcome !== ImportOutcome.REFUSED);
  const refs = live.flatMap((i) => (i.parentRef ? [i.ref, i.parentRef] : [i.ref]));
  const tasks = new Map(
    (
      await selectByKeys<ExistingTask>(
        em,
        `select t.id, t.external_ref, t.parent_id, p.external_ref as parent_ref, t.plan_id, t.resolution_id, t.lead_unit_id,
                l.code as lead_code, t.lead_unit_path, t.assigner_unit_path, t.state, t.depth, t.title, t.description,
                t.responsible_person, t.expected_result, t.start_on::text, t.due_on::text, t.priority, t.weight, t.version
           from task t join unit l on l.id = t.lead_unit_id left join task p on p.id = t.parent_id
          where t.external_ref = any(${KEYS})`,
        refs,
      )
    ).map((t) => [t.external_ref!, t]),
  );
  const units = new Map(
    (
      await selectByKeys<UnitRef>(
        em,
        `select id, code, path, active from unit where code = any(${KEYS})`,
        live.map((i) => text(i.src.values, 'leadUnitCode')),
      )
    ).map((u) => [u.code, u]),
  );
  const plans = new Map(
    (
      await em.execute<{ plan_id: string; resolution_id: string; code: string }[]>(
        `select distinct on (r.code) p.id as plan_id, r.id as resolution_id, r.code
           from action_plan p join resolution r on r.id = p.resolution_id
          where p.owner_unit_id = ? order by r.code, p.created_at, p.id`,
        [viewer.unitId],
      )
    ).map((p) => [p.code.toUpperCase(), p]),
  );
  const resolutionCodes = new Map(
    (await em.execute<{ id: string; code: string }[]>(`select id, code from resolution`)).map((r) => [r.id, r.code]),
  );
  const known = new Set(resolutionCodes.values());

  for (const item of live) {
    const found = tasks.get(item.ref);
    if (!found) continue;
    try {
      if (!isWithin(found.assigner_unit_path, viewer.unitPath)) refuse('externalRef', ImportReason.REFERENCE_IN_USE, item.ref);
      item.existing = found;
      if (found.state !== TaskState.OPEN) refuse('externalRef', ImportReason.TASK_CLOSED, item.ref);
      if (found.lead_code !== text(item.src.values, 'leadUnitCode'))
        refuse('leadUnitCode', ImportReason.NOT_IMPORTABLE_CHANGE, 'reassigning');
      if ((found.parent_ref ?? null) !== item.parentRef) refuse('parentRef', ImportReason.NOT_IMPORTABLE_CHANGE, 'moving a task');
      const changed = changedFields(existingFields(found), item.fields!);
      item.result.outcome = changed.length ? ImportOutcome.UPDATE : ImportOutcome.UNCHANGED;
    } catch (e) {
      settle(item, e);
    }
  }

  // Every row's placement, its parent's first (a parent in the file may come after its children).
  const placing = new Set<TaskRow>();
  const parentDue = new Map<string, string | null>();
  const place = (item: TaskRow): Placement | null => {
    if (item.result.outcome === ImportOutcome.REFUSED) return null;
    if (item.placement) return item.placement;
    if (placing.has(item)) refuse('parentRef', ImportReason.PARENT_CYCLE);
    placing.add(item);
    try {
      const f = item.fields!;
      if (item.existing) {
        const e = item.existing;
        let parentDueOn: string | null = null;
        if (e.parent_id) {
          const inFile = item.parentRef ? byRef.get(item.parentRef) : undefined;
          parentDueOn = inFile?.fields ? inFile.fields.dueOn : (parentDue.get(e.parent_id) ?? null);
        }
        if (parentDueOn && f.dueOn && f.dueOn > parentDueOn) refuse('dueOn', ImportReason.DUE_AFTER_PARENT, parentDueOn);
        item.placement = {
          id: e.id,
          planId: e.plan_id,
          resolutionId: e.resolution_id,
          resolutionCode: resolutionCodes.get(e.resolution_id) ?? '',
          leadUnitId: e.lead_unit_id,
          leadUnitPath: e.lead_unit_path,
          assignerUnitId: '',
          assignerUnitPath: e.assigner_unit_path,
          parentId: e.parent_id,
          depth: e.depth,
          dueOn: f.dueOn,
        };
        return item.placement;
      }
      const leadCode = text(item.src.values, 'leadUnitCode');
      const lead = units.get(leadCode);
      if (!lead || !isWithin(lead.path, viewer.unitPath)) {
        if (!lead) refuse('leadUnitCode', ImportReason.UNKNOWN_UNIT, leadCode);
        refuse('leadUnitCode', ImportReason.OUTSIDE_SUBTREE, leadCode);
      }
      if (!lead!.active) refuse('leadUnitCode', ImportReason.INACTIVE_UNIT, leadCode);
      const resolutionCode = text(item.src.values, 'resolutionCode');
      let base: Omit<Placement, 'id' | 'leadUnitId' | 'leadUnitPath' | 'dueOn'>;
      if (!item.parentRef) {
        if (!resolutionCode) refuse('resolutionCode', ImportReason.MISSING_VALUE);
        const plan = plans.get(resolutionCode.toUpperCase());
        if (!plan) {
          const exists = [...known].some((c) => c.toUpperCase() === resolutionCode.toUpperCase());
          refuse('resolutionCode', exists ? ImportReason.NO_PLAN : ImportReason.UNKNOWN_RESOLUTION, resolutionCode);
        }
        base = {
          planId: plan!.plan_id,
          resolutionId: plan!.resolution_id,
          resolutionCode: plan!.code,
          assignerUnitId: viewer.unitId,
          assignerUnitPath: viewer.unitPath,
          parentId: null,
          depth: 0,
        };
      } else {
        const inFile = byRef.get(item.parentRef);
        let parent: Placement | null;
        if (inFile && inFile !== item) {
          try {
            parent = place(inFile);
          } catch (e) {
            settle(inFile, e);
            parent = null;
          }
          if (!parent) {
            if (inFile.result.reason === ImportReason.PARENT_CYCLE) refuse('parentRef', ImportReason.PARENT_CYCLE);
            refuse('parentRef', ImportReason.PARENT_REFUSED, String(inFile.src.row));
          }
        } else {
          const e = tasks.get(item.parentRef);
          // A task the importer does not manage answers as one that does not exist.
          if (!e || inFile === item || !isWithin(e.lead_unit_path, viewer.unitPath))
            refuse('parentRef', ImportReason.UNKNOWN_PARENT_TASK, item.parentRef);
          if (e!.state !== TaskState.OPEN) refuse('parentRef', ImportReason.TASK_CLOSED, item.parentRef);
          parent = {
            id: e!.id,
            planId: e!.plan_id,
            resolutionId: e!.resolution_id,
            resolutionCode: resolutionCodes.get(e!.resolution_id) ?? '',
            leadUnitId: e!.lead_unit_id,
            leadUnitPath: e!.lead_unit_path,
            assignerUnitId: '',
            assignerUnitPath: e!.assigner_unit_path,
            parentId: e!.parent_id,
            depth: e!.depth,
            dueOn: e!.due_on,
          };
        }
        if (resolutionCode && resolutionCode.toUpperCase() !== parent!.resolutionCode.toUpperCase())
          refuse('resolutionCode', ImportReason.BAD_VALUE, `the parent task is for ${parent!.resolutionCode}`);
        if (!isWithin(lead!.path, parent!.leadUnitPath)) refuse('leadUnitCode', ImportReason.OUTSIDE_SUBTREE, leadCode);
        if (parent!.dueOn && f.dueOn && f.dueOn > parent!.dueOn) refuse('dueOn', ImportReason.DUE_AFTER_PARENT, parent!.dueOn);
        base = {
          planId: parent!.planId,
          resolutionId: parent!.resolutionId,
          resolutionCode: parent!.resolutionCode,
          assignerUnitId: parent!.leadUnitId,
          assignerUnitPath: parent!.leadUnitPath,
          parentId: parent!.id,
          depth: parent!.depth + 1,
        };
      }
      item.lead = lead!;
      item.placement = { ...base, id: randomUUID(), leadUnitId: lead!.id, leadUnitPath: lead!.path, dueOn: f.dueOn };
      return item.placement;
    } finally {
      placing.delete(item);
    }
  };
  // Existing tasks' parents outside the file keep their due dates: load them for the check.
  const outsideParents = live
    .filter((i) => i.existing?.parent_id && !(i.parentRef && byRef.has(i.parentRef)))
    .map((i) => i.existing!.parent_id!);
  for (const p of await selectByKeys<{ id: string; due_on: string | null }>(
    em,
    `select id, due_on::text from task where id = any(${KEYS}::uuid[])`,
    outsideParents,
  ))
    parentDue.set(p.id, p.due_on);
  for (const item of live) {
    try {
      place(item);
    } catch (e) {
      settle(item, e);
    }
  }
  return {
    results: items.map((i) => i.result),
    plan: {
      creates: live.filter((i) => !i.existing && i.result.outcome === ImportOutcome.CREATE),
      updates: live.filter((i) => i.result.outcome === ImportOutcome.UPDATE),
    },
  };
}

function settle(item: TaskRow, e: unknown): void {
  if (!(e instanceof RowRefusal)) throw e;
  if (item.result.outcome === ImportOutcome.REFUSED) return;
  Object.assign(item.result, { outcome: ImportOutcome.REFUSED, column: e.column, reason: e.reason, detail: e.detail });
}

function historyFields(f: Fields, leadUnitId: string, version: number) {
  return { ...f, leadUnitId, state: TaskState.OPEN, version };
}

/**
 * Writes the plan in the caller's transaction, as the task service would one by one: tasks
 * (parents first), their history, audit events, the lead units' notices and the PROGRESS changes
 * the derived worker needs for every parent that gained a child or whose child's weight changed
 * (the TASK changes and rollup deltas come from the task table's own triggers).
 */
export async function writeTasks(
  tx: EntityManager,
  viewer: Viewer,
  plan: TaskPlan,
  progress: (n: number) => void,
): Promise<void> {
  const actor = actorOf(viewer);
  const creates = [...plan.creates].sort((a, b) => a.placement!.depth - b.placement!.depth);
  const parents = new Set<string>();
  await inSlices(
    creates,
    2_000,
    async (slice) => {
      const rows = slice.map((c) => {
        const p = c.placement!;
        const f = c.fields!;
        if (p.parentId) parents.add(p.parentId);
        return {
          id: p.id,
          plan_id: p.planId,
          resolution_id: p.resolutionId,
          parent_id: p.parentId,
          depth: p.depth,
          title: f.title,
          description: f.description,
          assigner_unit_id: p.assignerUnitId,
          assigner_unit_path: p.assignerUnitPath,
          lead_unit_id: p.leadUnitId,
          lead_unit_path: p.leadUnitPath,
          responsible_person: f.responsiblePerson,
          expected_result: f.expectedResult,
          start_on: f.startOn,
          due_on: f.dueOn,
          priority: f.priority,
          weight: f.weight,
          external_ref: c.ref,
        };
      });
      await tx.execute(
        `insert into task (id, plan_id, resolution_id, parent_id, depth, title, description, assigner_unit_id, assigner_unit_path,
                           lead_unit_id, lead_unit_path, responsible_person, expected_result, start_on, due_on, priority, weight, external_ref)
         select id, plan_id, resolution_id, parent_id, depth, title, description, assigner_unit_id, assigner_unit_path,
                lead_unit_id, lead_unit_path, responsible_person, expected_result, start_on, due_on, priority::task_priority, weight, external_ref
           from jsonb_to_recordset(?::jsonb) as r(id uuid, plan_id uuid, resolution_id uuid, parent_id uuid, depth int, title text,
             description text, assigner_unit_id uuid, assigner_unit_path text, lead_unit_id uuid, lead_unit_path text,
             responsible_person text, expected_result text, start_on date, due_on date, priority text, weight float8, external_ref text)`,
        [JSON.stringify(rows)],
      );
      await tx.execute(
        `insert into task_history (task_id, actor_account_id, kind, before, after)
         select task_id, ?::uuid, 'CREATED', null, after from jsonb_to_recordset(?::jsonb) as r(task_id uuid, after jsonb)`,
        [
          viewer.accountId,
          JSON.stringify(
            slice.map((c) => ({ task_id: c.placement!.id, after: historyFields(c.fields!, c.placement!.leadUnitId, 1) })),
          ),
        ],
      );
      await appendAuditEvents(
        tx,
        actor,
        slice.map((c): AuditEntry => ({
          action: 'task.create',
          entityType: 'Task',
          entityId: c.placement!.id,
          after: {
            ...historyFields(c.fields!, c.placement!.leadUnitId, 1),
            parentId: c.placement!.parentId,
            planId: c.placement!.planId,
            coordinatingUnitIds: [],
            externalRef: c.ref,
            imported: true,
          },
        })),
      );
      await tx.execute(
        `insert into notification (id, account_id, kind, task_id, message)
         select gen_random_uuid(), a.id, ?::notification_kind, r.task_id, r.message
           from jsonb_to_recordset(?::jsonb) as r(task_id uuid, unit_path text, message text)
           join unit u on u.path = r.unit_path
           join account a on a.unit_id = u.id and a.roles && ?::text[] and a.disabled_at is null
         on conflict do nothing`,
        [
          NotificationKind.TASK_ASSIGNED,
          JSON.stringify(
            slice.map((c) => ({
              task_id: c.placement!.id,
              unit_path: c.placement!.leadUnitPath,
              message: `Đơn vị được giao nhiệm vụ «${c.fields!.title}»${c.fields!.dueOn ? `, hạn ${c.fields!.dueOn.split('-').reverse().join('/')}` : ''}`,
            })),
          ),
          `{${RECIPIENT_ROLES[NotificationKind.TASK_ASSIGNED].join(',')}}`,
        ],
      );
    },
    progress,
  );
  await inSlices(
    plan.updates,
    2_000,
    async (slice) => {
      const rows = slice.map((u) => {
        const f = u.fields!;
        const before = existingFields(u.existing!);
        const changed = changedFields(before, f);
        if (changed.includes('weight') && u.existing!.parent_id) parents.add(u.existing!.parent_id);
        return {
          id: u.existing!.id,
          version: u.existing!.version,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, f[k]])),
          ...Object.fromEntries(Object.entries(FIELD_COLUMNS).map(([column, key]) => [column, f[key]])),
        };
      });
      // The version in the row is the one read in this transaction: a task edited meanwhile is not overwritten.
      const updated = await tx.execute<{ id: string }[]>(
        `update task t set title = r.title, description = r.description, responsible_person = r.responsible_person,
                expected_result = r.expected_result, start_on = r.start_on, due_on = r.due_on, priority = r.priority::task_priority,
                weight = r.weight, version = t.version + 1, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as r(id uuid, version int, title text, description text, responsible_person text,
             expected_result text, start_on date, due_on date, priority text, weight float8)
          where t.id = r.id and t.version = r.version returning t.id`,
        [JSON.stringify(rows)],
      );
      if (updated.length !== rows.length)
        throw new ConflictError('A task of the file was changed while it was being imported; run the import again');
      await tx.execute(
        `insert into task_history (task_id, actor_account_id, kind, before, after)
         select id, ?::uuid, 'UPDATED', before, after from jsonb_to_recordset(?::jsonb) as r(id uuid, before jsonb, after jsonb)`,
        [viewer.accountId, JSON.stringify(rows.map((r) => ({ id: r.id, before: r.before, after: r.after })))],
      );
      await appendAuditEvents(
        tx,
        actor,
        rows.map((r): AuditEntry => ({
          action: 'task.update',
          entityType: 'Task',
          entityId: r.id,
          before: r.before,
          after: { ...r.after, version: r.version + 1, imported: true },
        })),
      );
    },
    progress,
  );
  await appendChanges(
    tx,
    [...parents].map((taskId) => ({ kind: 'PROGRESS' as const, taskId })),
  );
}
