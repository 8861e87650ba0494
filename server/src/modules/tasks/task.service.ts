import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { localDay } from '../../common/dates.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { assertVisibleTask, canSeeUnit, taskScopeSql } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { Task } from './task.entity.js';
import { TaskOrder, type TaskFilter } from './task.inputs.js';
import { statusSql } from './task-status.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws BAD_USER_INPUT naming `field` unless `id` is a UUID. */
export function assertUuid(field: string, id: string): void {
  if (!UUID.test(id)) throw new BadInputError(field, `${field} is not a valid id`);
}

export class TaskService {
  /** A task the viewer may read; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<Task> {
    assertUuid('id', id);
    return assertVisibleTask(viewer, await em.findOne(Task, { id }), id);
  }

  /** One page of the tasks the viewer may read, filtered and ordered, with the total count. */
  async list(em: EntityManager, viewer: Viewer, filter: TaskFilter, page: PageArgs, order: TaskOrder): Promise<Connection<Task>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (c: { sql: string; params: unknown[] }) => {
      where.push(c.sql);
      params.push(...c.params);
    };
    add(taskScopeSql(viewer));
    const today = localDay();
    if (filter.resolutionId) {
      assertUuid('resolutionId', filter.resolutionId);
      add({ sql: 't.resolution_id = ?', params: [filter.resolutionId] });
    }
    if (filter.unitId) {
      assertUuid('unitId', filter.unitId);
      const unit = await em.findOne(Unit, { id: filter.unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', filter.unitId);
      add({ sql: 't.lead_unit_path like ?', params: [subtreePattern(unit.path)] });
    }
    if (filter.parentId) {
      assertUuid('parentId', filter.parentId);
      add({ sql: 't.parent_id = ?', params: [filter.parentId] });
    }
    if (filter.rootsOnly) add({ sql: 't.parent_id is null', params: [] });
    if (filter.status?.length) {
      const parts = filter.status.map((s) => statusSql(s, today));
      add({ sql: `(${parts.map((p) => `(${p.sql})`).join(' or ')})`, params: parts.flatMap((p) => p.params) });
    }
    if (filter.dueFrom) add({ sql: 't.due_on >= ?::date', params: [filter.dueFrom] });
    if (filter.dueTo) add({ sql: 't.due_on <= ?::date', params: [filter.dueTo] });
    if (filter.search?.trim()) {
      const words = filter.search.trim().split(/\s+/).slice(0, 8);
      for (const w of words) add({ sql: 't.title ilike ?', params: [`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] });
    }
    if (filter.incompleteOnly) {
      add({
        sql: `(coalesce(trim(t.description), '') = '' or coalesce(trim(t.responsible_person), '') = '' or t.due_on is null or coalesce(trim(t.expected_result), '') = '')`,
        params: [],
      });
    }

    const base = where.join(' and ');
    const conn = em.getConnection();
    const [{ n }] = await conn.execute<{ n: string }[]>(`select count(*) as n from task t where ${base}`, params);

    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    let orderBy: string;
    if (order === TaskOrder.DUE_ON) {
      orderBy = 't.due_on asc nulls last, t.id asc';
      if (page.after) {
        const [due, id] = decodeCursor(page.after, 2) as [string | null, string];
        if (due === null) {
          keyset.push('(t.due_on is null and t.id > ?)');
          keyParams.push(id);
        } else {
          keyset.push('(t.due_on > ?::date or (t.due_on = ?::date and t.id > ?) or t.due_on is null)');
          keyParams.push(due, due, id);
        }
      }
    } else {
      orderBy = 't.created_at desc, t.id desc';
      if (page.after) {
        const [created, id] = decodeCursor(page.after, 2) as [string, string];
        keyset.push('(t.created_at, t.id) < (?::timestamptz, ?)');
        keyParams.push(created, id);
      }
    }
    const rows = await conn.execute<Record<string, unknown>[]>(
      `select t.* from task t where ${[base, ...keyset].join(' and ')} order by ${orderBy} limit ?`,
      [...params, ...keyParams, page.first + 1],
    );
    const tasks = rows.map((r) => em.map(Task, r));
    return toConnection(tasks, page.first, Number(n), (t) =>
      order === TaskOrder.DUE_ON ? [t.dueOn ?? null, t.id] : [t.createdAt.toISOString(), t.id],
    );
  }
}
