import { Role } from '../../../src/modules/accounts/role.js';
import type { Unit } from '../../../src/modules/organisations/unit.entity.js';
import type { Task } from '../../../src/modules/tasks/task.entity.js';
import { buildAccount, buildIndicator, buildPlan, buildTask, buildUnit } from '../../support/factories.js';
import type { SyncHarness } from './sync-harness.js';

/** A commune with a fresh cell, `tasks` tasks assigned to the cell, and `people` officers there. */
export async function buildFieldWorld(h: SyncHarness, opts: { tasks: number; people: number; commune?: Unit }) {
  const em = h.em();
  const commune = opts.commune ?? (await buildUnit(em, { kind: 'COMMUNE', name: 'Xã Thử Nghiệm' }));
  const cell = await buildUnit(em, { parent: commune, kind: 'CELL', name: 'Chi bộ thôn' });
  const plan = await buildPlan(em, commune);
  const tasks: Task[] = [];
  for (let i = 0; i < opts.tasks; i++) {
    const t = await buildTask(em, { lead: cell, assigner: commune, plan, title: `Nhiệm vụ ${i + 1}` });
    await buildIndicator(em, t, { name: `Chỉ tiêu ${i + 1}` });
    tasks.push(t);
  }
  const people = [];
  for (let i = 0; i < opts.people; i++) {
    const account = await buildAccount(em, cell, [Role.FOCAL, Role.REPORTER]);
    people.push({ account, token: await h.token(account) });
  }
  const leader = await buildAccount(em, commune, [Role.FOCAL, Role.LEADER]);
  return { commune, cell, plan, tasks, people, leader: { account: leader, token: await h.token(leader) } };
}

/** What the server holds for the cell, as the devices should see it after a full sync. */
export async function serverView(h: SyncHarness, cellPath: string) {
  const conn = h.em().getConnection();
  const tasks = await conn.execute<
    { id: string; version: number; responsible_person: string | null; description: string | null }[]
  >(`select id, version, responsible_person, description from task where lead_unit_path = ? order by id`, [cellPath]);
  const reports = await conn.execute<{ id: string; state: string }[]>(
    `select id, state from progress_report where unit_path = ? order by id`,
    [cellPath],
  );
  return { tasks, reports };
}
