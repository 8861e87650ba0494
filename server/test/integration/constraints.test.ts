import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MikroORM as Orm } from '@mikro-orm/postgresql';
import { ormOptions } from '../../src/db/orm.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccount, buildReport, buildTask, buildTree } from '../support/factories.js';
import { createTestDatabase } from '../support/test-app.js';

let orm: MikroORM;
const sql = (q: string, params: unknown[] = []) => orm.em.getConnection().execute(q, params);

beforeAll(async () => {
  orm = await Orm.init(ormOptions(await createTestDatabase()));
});
afterAll(() => orm.close(true));

async function fixture() {
  const em = orm.em.fork();
  const tree = await buildTree(em);
  const reporter = await buildAccount(em, tree.cell, [Role.REPORTER]);
  const task = await buildTask(em, { assigner: tree.commune, lead: tree.cell });
  const report = await buildReport(em, task, reporter, { percent: 40 });
  return { ...tree, reporter, task, report };
}

describe('database constraints', () => {
  it('refuses a report percent outside 0–100', async () => {
    const { task, reporter } = await fixture();
    await expect(
      sql(
        `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at) select ?, t.id, t.lead_unit_id, t.lead_unit_path, ?, 101, now() from task t where t.id = ?`,
        [randomUUID(), reporter.id, task.id],
      ),
    ).rejects.toThrow(/progress_report_percent_range/);
  });

  it('keeps reports append-only: content cannot change and rows cannot be deleted', async () => {
    const { report } = await fixture();
    await expect(sql('update progress_report set percent = 90 where id = ?', [report.id])).rejects.toThrow(/append-only/);
    await expect(sql('delete from progress_report where id = ?', [report.id])).rejects.toThrow(/append-only/);
    const [row] = await sql('select percent from progress_report where id = ?', [report.id]);
    expect(row.percent).toBe(40);
  });

  it('lets the review fields change once, and a return needs a comment', async () => {
    const { report, reporter } = await fixture();
    await expect(
      sql(`update progress_report set state = 'RETURNED', reviewed_at = now(), reviewed_by_id = ? where id = ?`, [
        reporter.id,
        report.id,
      ]),
    ).rejects.toThrow(/returned_has_comment/);
    // Final approval means every level has approved it.
    await expect(
      sql(`update progress_report set state = 'APPROVED', reviewed_at = now(), reviewed_by_id = ? where id = ?`, [
        reporter.id,
        report.id,
      ]),
    ).rejects.toThrow(/progress_report_approved_levels/);
    await sql(
      `update progress_report set state = 'APPROVED', approved_levels = approval_levels, reviewed_at = now(), reviewed_by_id = ?
        where id = ?`,
      [reporter.id, report.id],
    );
    await expect(
      sql(`update progress_report set state = 'RETURNED', review_comment = 'x' where id = ?`, [report.id]),
    ).rejects.toThrow(/already reviewed/);
    await expect(sql(`update progress_report set approved_levels = 0 where id = ?`, [report.id])).rejects.toThrow(
      /already reviewed/,
    );
  });

  it('keeps a report’s approval levels as submitted, and the level reached only grows', async () => {
    const { report } = await fixture();
    const [row] = await sql('select approval_levels, approved_levels from progress_report where id = ?', [report.id]);
    expect(row).toEqual({ approval_levels: 1, approved_levels: 0 });
    await expect(sql('update progress_report set approval_levels = 2 where id = ?', [report.id])).rejects.toThrow(/append-only/);
    await expect(
      sql(`update action_plan set approval_levels = 6 where id = (select plan_id from task where id = ?)`, [report.task.id]),
    ).rejects.toThrow(/action_plan_approval_levels/);
  });

  it('refuses a task whose lead unit does not exist', async () => {
    const { task } = await fixture();
    await expect(sql('update task set lead_unit_id = ? where id = ?', [randomUUID(), task.id])).rejects.toThrow(
      /task_lead_unit_id_foreign/,
    );
  });

  it('refuses a lead unit outside the assigner’s subtree', async () => {
    const { task, otherCommune } = await fixture();
    await expect(
      sql('update task set lead_unit_id = ?, lead_unit_path = ? where id = ?', [otherCommune.id, otherCommune.path, task.id]),
    ).rejects.toThrow(/task_lead_within_assigner/);
  });

  it('refuses duplicate unit codes and usernames', async () => {
    const { cell } = await fixture();
    await expect(
      sql(
        `insert into unit (id, seq, code, name, kind, path, depth) values (?, nextval('unit_seq'), ?, 'x', 'CELL', '/zzzz/', 0)`,
        [randomUUID(), cell.code],
      ),
    ).rejects.toThrow(/unit_code_unique/);
    const em = orm.em.fork();
    await buildAccount(em, cell, [Role.REPORTER], { username: 'trung.lap' });
    await expect(buildAccount(orm.em.fork(), cell, [Role.REPORTER], { username: 'trung.lap' })).rejects.toThrow(
      /account_username_unique/,
    );
  });

  it('refuses unknown roles and an account with none', async () => {
    const { reporter } = await fixture();
    await expect(sql(`update account set roles = '{SUPERUSER}' where id = ?`, [reporter.id])).rejects.toThrow(
      /account_roles_known/,
    );
    await expect(sql(`update account set roles = '{}' where id = ?`, [reporter.id])).rejects.toThrow(/account_roles_known/);
  });

  it('refuses a start date after the due date and progress above 100', async () => {
    const { task } = await fixture();
    await expect(sql(`update task set start_on = '2027-01-02', due_on = '2027-01-01' where id = ?`, [task.id])).rejects.toThrow(
      /task_dates_order/,
    );
    await expect(sql('update task set progress = 100.5 where id = ?', [task.id])).rejects.toThrow(/task_progress_range/);
  });

  it('keeps the audit trail append-only', async () => {
    await sql(
      `insert into audit_event (chain_key, chain_seq, at, action, entity_type, prev_hash, hash) values ('c', 1, now(), 'x', 'y', ?, ?)`,
      ['0'.repeat(64), '1'.repeat(64)],
    );
    await expect(sql(`update audit_event set action = 'z' where chain_key = 'c'`)).rejects.toThrow(/append-only/);
    await expect(sql(`delete from audit_event where chain_key = 'c'`)).rejects.toThrow(/append-only/);
  });
});
