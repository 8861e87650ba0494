import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, localDay } from '../../common/dates.js';
import type { Logger } from '../../common/logger.js';
import { Account } from '../../modules/accounts/account.entity.js';
import { hashPassword } from '../../modules/accounts/password.js';
import { Role } from '../../modules/accounts/role.js';
import { Indicator, IndicatorDirection } from '../../modules/indicators/indicator.entity.js';
import { Unit } from '../../modules/organisations/unit.entity.js';
import { unitPath } from '../../modules/organisations/unit-path.js';
import { ActionPlan } from '../../modules/plans/action-plan.entity.js';
import { ProgressReport } from '../../modules/reports/progress-report.entity.js';
import { ReportState } from '../../modules/reports/report.enums.js';
import { ReportIndicatorValue } from '../../modules/reports/report-indicator-value.entity.js';
import { Resolution } from '../../modules/resolutions/resolution.entity.js';
import { Task } from '../../modules/tasks/task.entity.js';
import { TaskPriority, TaskState } from '../../modules/tasks/task.enums.js';
import { seededRandom, stableUuid } from './deterministic.js';

const dataDir = path.join(import.meta.dirname, 'data');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(dataDir, file), 'utf8')) as T;

interface ResolutionData {
  code: string;
  issuedOn: string;
  titleVi: string;
  titleEn: string;
  summaryVi?: string;
  summaryEn?: string;
}
interface ProvinceData {
  cities: string[];
  provinces: string[];
}

/** Demo accounts share this password; printed at start with a warning. */
export const DEMO_PASSWORD = 'Resolute2026';

export const DEMO_ACCOUNTS: { username: string; displayName: string; unit: string; roles: Role[] }[] = [
  {
    username: 'admin.tw',
    displayName: 'Quản trị Trung ương',
    unit: 'TW',
    roles: [Role.ADMIN, Role.LEADER, Role.FOCAL, Role.VIEWER],
  },
  { username: 'lanhdao.tw', displayName: 'Nguyễn Văn Minh', unit: 'TW', roles: [Role.LEADER, Role.VIEWER] },
  { username: 'daumoi.tw', displayName: 'Trần Thị Hương', unit: 'TW', roles: [Role.FOCAL] },
  { username: 'admin.lamdong', displayName: 'Quản trị Lâm Đồng', unit: 'P-LAMDONG', roles: [Role.ADMIN] },
  { username: 'lanhdao.lamdong', displayName: 'Lê Quang Vinh', unit: 'P-LAMDONG', roles: [Role.LEADER, Role.VIEWER] },
  { username: 'daumoi.lamdong', displayName: 'Phạm Thu Trang', unit: 'P-LAMDONG', roles: [Role.FOCAL, Role.REPORTER] },
  { username: 'xem.lamdong', displayName: 'Hoàng Minh Đức', unit: 'P-LAMDONG', roles: [Role.VIEWER] },
  { username: 'lanhdao.xuanhuong', displayName: 'Võ Thị Lan', unit: 'C-LD-XUANHUONG', roles: [Role.LEADER] },
  { username: 'daumoi.xuanhuong', displayName: 'Đặng Văn Nam', unit: 'C-LD-XUANHUONG', roles: [Role.FOCAL, Role.REPORTER] },
  { username: 'canbo.tdp1', displayName: 'Bùi Thị Mai', unit: 'CB-LD-XUANHUONG-1', roles: [Role.REPORTER] },
  { username: 'canbo.tdp2', displayName: 'Ngô Văn Hải', unit: 'CB-LD-XUANHUONG-2', roles: [Role.REPORTER] },
  { username: 'lanhdao.hanoi', displayName: 'Đỗ Thị Thanh', unit: 'P-HANOI', roles: [Role.LEADER, Role.VIEWER] },
  { username: 'daumoi.hanoi', displayName: 'Trịnh Văn Khoa', unit: 'P-HANOI', roles: [Role.FOCAL, Role.REPORTER] },
];

const CENTRAL_AGENCIES: [string, string][] = [
  ['BTC-TW', 'Ban Tổ chức Trung ương'],
  ['BTG-TW', 'Ban Tuyên giáo và Dân vận Trung ương'],
  ['BKHCN', 'Bộ Khoa học và Công nghệ'],
  ['BTP', 'Bộ Tư pháp'],
  ['BCT', 'Bộ Công Thương'],
  ['BGDDT', 'Bộ Giáo dục và Đào tạo'],
  ['BYT', 'Bộ Y tế'],
];

const COMMUNES: Record<string, [string, string][]> = {
  'P-LAMDONG': [
    ['C-LD-XUANHUONG', 'Phường Xuân Hương - Đà Lạt'],
    ['C-LD-LANGBIANG', 'Phường Lang Biang - Đà Lạt'],
    ['C-LD-BAOLOC1', 'Phường 1 Bảo Lộc'],
    ['C-LD-DUCTRONG', 'Xã Đức Trọng'],
  ],
  'P-HANOI': [
    ['C-HN-HOANKIEM', 'Phường Hoàn Kiếm'],
    ['C-HN-BADINH', 'Phường Ba Đình'],
    ['C-HN-SOCSON', 'Xã Sóc Sơn'],
  ],
  'P-HOCHIMINH': [
    ['C-HCM-SAIGON', 'Phường Sài Gòn'],
    ['C-HCM-CUCHI', 'Xã Củ Chi'],
  ],
};

const CELLS = ['Chi bộ Tổ dân phố 1', 'Chi bộ Tổ dân phố 2', 'Chi bộ Thôn Đa Lộc'];

function provinceCode(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
  return `P-${ascii
    .replace(/^Thanh pho /, '')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase()}`;
}

async function upsertUnit(em: EntityManager, code: string, name: string, kind: string, parent: Unit | null): Promise<Unit> {
  const found = await em.findOne(Unit, { code });
  if (found) return found;
  const [{ seq }] = await em.getConnection().execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq`);
  const unit = em.create(Unit, {
    id: stableUuid(`unit:${code}`),
    seq,
    code,
    name,
    kind,
    parent,
    path: unitPath(parent?.path ?? null, seq),
    depth: parent ? parent.depth + 1 : 0,
  });
  await em.flush();
  return unit;
}

/** The seven resolutions and the 34 provinces and cities below the central level. */
export async function seedReference(em: EntityManager): Promise<Unit> {
  for (const r of readJson<ResolutionData[]>('resolutions.json')) {
    if (!(await em.findOne(Resolution, { code: r.code }))) {
      em.create(Resolution, {
        id: stableUuid(`resolution:${r.code}`),
        code: r.code,
        titleVi: r.titleVi,
        titleEn: r.titleEn,
        issuedOn: r.issuedOn,
        summaryVi: r.summaryVi ?? null,
        summaryEn: r.summaryEn ?? null,
      });
    }
  }
  await em.flush();
  const root = await upsertUnit(em, 'TW', 'Trung ương', 'CENTRAL', null);
  for (const [code, name] of CENTRAL_AGENCIES) await upsertUnit(em, code, name, 'CENTRAL_AGENCY', root);
  const { cities, provinces } = readJson<ProvinceData>('provinces.json');
  for (const name of cities)
    await upsertUnit(em, provinceCode(name), name === 'Thành phố Hồ Chí Minh' ? name : `Thành phố ${name}`, 'PROVINCE', root);
  for (const name of provinces) await upsertUnit(em, provinceCode(name), `Tỉnh ${name}`, 'PROVINCE', root);
  return root;
}

interface TaskSpec {
  title: string;
  description: string;
  indicator?: [string, string, number, number, IndicatorDirection];
}

const DEMO_TASKS: Record<string, TaskSpec[]> = {
  '57-NQ/TW': [
    {
      title: 'Số hóa hồ sơ thủ tục hành chính',
      description: 'Số hóa toàn bộ hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực.',
      indicator: ['Tỷ lệ hồ sơ được số hóa', '%', 40, 100, IndicatorDirection.HIGHER_IS_BETTER],
    },
    {
      title: 'Phổ cập kỹ năng số cho người dân',
      description: 'Tổ chức lớp "Bình dân học vụ số" cho người dân trên địa bàn.',
      indicator: ['Số người được tập huấn', 'người', 0, 2000, IndicatorDirection.HIGHER_IS_BETTER],
    },
  ],
  '66-NQ/TW': [
    {
      title: 'Rà soát văn bản quy phạm pháp luật của địa phương',
      description: 'Rà soát, kiến nghị sửa đổi văn bản chồng chéo, mâu thuẫn.',
      indicator: ['Số văn bản được rà soát', 'văn bản', 0, 120, IndicatorDirection.HIGHER_IS_BETTER],
    },
  ],
  '68-NQ/TW': [
    {
      title: 'Rút ngắn thời gian đăng ký kinh doanh',
      description: 'Giảm thời gian giải quyết thủ tục đăng ký doanh nghiệp.',
      indicator: ['Thời gian giải quyết', 'ngày', 5, 2, IndicatorDirection.LOWER_IS_BETTER],
    },
  ],
  '71-NQ/TW': [
    {
      title: 'Kiên cố hóa trường lớp học',
      description: 'Xóa phòng học tạm, phòng học mượn.',
      indicator: ['Số phòng học tạm còn lại', 'phòng', 24, 0, IndicatorDirection.LOWER_IS_BETTER],
    },
  ],
  '72-NQ/TW': [
    {
      title: 'Khám sức khỏe định kỳ cho người dân',
      description: 'Mỗi người dân được khám sức khỏe định kỳ ít nhất một lần mỗi năm.',
      indicator: ['Tỷ lệ người dân được khám', '%', 10, 100, IndicatorDirection.HIGHER_IS_BETTER],
    },
  ],
};

/**
 * A unit's part of its parent's figure: counts are shared among the units below; rates and
 * durations hold for each of them as they are.
 */
function shareOf(value: number, parts: number, unitOfMeasure: string): number {
  return unitOfMeasure === '%' || unitOfMeasure === 'ngày' ? value : Math.round(value / parts);
}

/** A demo unit tree below some provinces, demo accounts and a spread of tasks and reports. */
export async function seedDemo(em: EntityManager, root: Unit): Promise<void> {
  const units = new Map<string, Unit>();
  units.set('TW', root);
  for (const [province, communes] of Object.entries(COMMUNES)) {
    const p = await em.findOneOrFail(Unit, { code: province });
    units.set(province, p);
    for (const [code, name] of communes) {
      const c = await upsertUnit(em, code, name, 'COMMUNE', p);
      units.set(code, c);
      for (const [i, cell] of CELLS.entries())
        units.set(
          `${code.replace(/^C-/, 'CB-')}-${i + 1}`,
          await upsertUnit(em, `${code.replace(/^C-/, 'CB-')}-${i + 1}`, `${cell} – ${name}`, 'CELL', c),
        );
    }
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts = new Map<string, Account>();
  for (const a of DEMO_ACCOUNTS) {
    let account = await em.findOne(Account, { username: a.username });
    account ??= em.create(Account, {
      id: stableUuid(`account:${a.username}`),
      username: a.username,
      displayName: a.displayName,
      unit: units.get(a.unit)!,
      roles: a.roles,
      passwordHash,
      mustChangePassword: false,
    });
    accounts.set(a.username, account);
  }
  await em.flush();

  if (await em.count(Task, {})) return;
  const random = seededRandom(57);
  const today = localDay();
  const resolutions = await em.find(Resolution, {});
  for (const resolution of resolutions) {
    const specs = DEMO_TASKS[resolution.code];
    if (!specs) continue;
    const centralPlan = em.create(ActionPlan, {
      id: stableUuid(`plan:${resolution.code}:TW`),
      resolution,
      ownerUnit: root,
      title: `Kế hoạch thực hiện Nghị quyết ${resolution.code}`,
      periodStart: '2025-01-01',
      periodEnd: '2030-12-31',
    });
    for (const [si, spec] of specs.entries()) {
      for (const province of ['P-LAMDONG', 'P-HANOI', 'P-HOCHIMINH']) {
        const p = units.get(province)!;
        const due = addDays(today, Math.floor(random() * 300) - 60);
        const top = em.create(Task, {
          id: stableUuid(`task:${resolution.code}:${si}:${province}`),
          plan: centralPlan,
          resolution,
          title: spec.title,
          description: spec.description,
          assignerUnit: root,
          assignerUnitPath: root.path,
          leadUnit: p,
          leadUnitPath: p.path,
          responsiblePerson: 'Phó Chủ tịch UBND tỉnh',
          expectedResult: `Báo cáo kết quả: ${spec.title.toLowerCase()}`,
          startOn: '2025-03-01',
          dueOn: due,
          priority: si === 0 ? TaskPriority.HIGH : TaskPriority.NORMAL,
        });
        if (spec.indicator)
          em.create(Indicator, {
            id: stableUuid(`ind:${top.id}`),
            task: top,
            name: spec.indicator[0],
            unitOfMeasure: spec.indicator[1],
            baseline: spec.indicator[2],
            target: spec.indicator[3],
            direction: spec.indicator[4],
            dueOn: due,
          });
        const communes = COMMUNES[province] ?? [];
        for (const [ci, [communeCode, communeName]] of communes.entries()) {
          const c = units.get(communeCode)!;
          const subDue = addDays(due, -Math.floor(random() * 45));
          const sub = em.create(Task, {
            id: stableUuid(`task:${top.id}:${communeCode}`),
            plan: centralPlan,
            resolution,
            parent: top,
            depth: 1,
            title: `${spec.title} – ${communeName}`,
            description: ci === 1 ? null : spec.description,
            assignerUnit: p,
            assignerUnitPath: p.path,
            leadUnit: c,
            leadUnitPath: c.path,
            responsiblePerson: ci === 2 ? null : 'Chủ tịch UBND cấp xã',
            expectedResult: 'Báo cáo kết quả thực hiện có xác nhận',
            startOn: '2025-04-01',
            dueOn: subDue,
          });
          const ind = spec.indicator
            ? em.create(Indicator, {
                id: stableUuid(`ind:${sub.id}`),
                task: sub,
                name: spec.indicator[0],
                unitOfMeasure: spec.indicator[1],
                baseline: shareOf(spec.indicator[2], 4, spec.indicator[1]),
                target: shareOf(spec.indicator[3], 4, spec.indicator[1]),
                direction: spec.indicator[4],
                dueOn: subDue,
              })
            : null;
          for (let cell = 1; cell <= CELLS.length; cell++) {
            const cellCode = `${communeCode.replace(/^C-/, 'CB-')}-${cell}`;
            const u = units.get(cellCode)!;
            const leaf = em.create(Task, {
              id: stableUuid(`task:${sub.id}:${cellCode}`),
              plan: centralPlan,
              resolution,
              parent: sub,
              depth: 2,
              title: `${spec.title} – ${u.name.split(' – ')[0]}`,
              description: spec.description,
              assignerUnit: c,
              assignerUnitPath: c.path,
              leadUnit: u,
              leadUnitPath: u.path,
              responsiblePerson: 'Bí thư chi bộ',
              expectedResult: 'Biên bản, hình ảnh minh chứng',
              startOn: '2025-05-01',
              dueOn: addDays(subDue, -Math.floor(random() * 20)),
            });
            const leafInd = ind
              ? em.create(Indicator, {
                  id: stableUuid(`ind:${leaf.id}`),
                  task: leaf,
                  name: ind.name,
                  unitOfMeasure: ind.unitOfMeasure,
                  baseline: shareOf(ind.baseline, 3, ind.unitOfMeasure),
                  target: shareOf(ind.target, 3, ind.unitOfMeasure),
                  direction: ind.direction,
                  dueOn: leaf.dueOn,
                })
              : null;
            // A plausible history: some cells silent, some with approved, returned or waiting reports.
            const reportsCount = Math.floor(random() * 4);
            let percent = 0;
            const reporter = accounts.get(cell === 1 ? 'canbo.tdp1' : 'canbo.tdp2');
            const author = communeCode === 'C-LD-XUANHUONG' && reporter ? reporter : accounts.get('daumoi.lamdong')!;
            for (let r = 0; r < reportsCount; r++) {
              percent = Math.min(100, percent + 10 + Math.floor(random() * 35));
              const written = new Date(Date.now() - (reportsCount - r) * 12 * 86_400_000 - Math.floor(random() * 86_400_000));
              const last = r === reportsCount - 1;
              const state = !last
                ? ReportState.APPROVED
                : ([ReportState.SUBMITTED, ReportState.APPROVED, ReportState.RETURNED][Math.floor(random() * 3)] as ReportState);
              const obstacles = random() < 0.2;
              const report = em.create(ProgressReport, {
                id: stableUuid(`report:${leaf.id}:${r}`),
                task: leaf,
                unit: u,
                unitPath: u.path,
                author,
                percent,
                narrative: `Đã triển khai ${percent}% khối lượng công việc.`,
                hasObstacles: obstacles,
                obstacles: obstacles ? 'Thiếu kinh phí và nhân lực thực hiện.' : null,
                writtenAt: written,
                receivedAt: new Date(written.getTime() + Math.floor(random() * 3) * 86_400_000),
                state,
                reviewedBy: state === ReportState.SUBMITTED ? null : accounts.get('lanhdao.xuanhuong')!,
                reviewedAt: state === ReportState.SUBMITTED ? null : new Date(written.getTime() + 4 * 86_400_000),
                reviewComment: state === ReportState.RETURNED ? 'Đề nghị bổ sung hình ảnh minh chứng và số liệu cụ thể.' : null,
              });
              if (leafInd)
                em.create(ReportIndicatorValue, {
                  report,
                  indicator: leafInd,
                  value: Math.round((leafInd.baseline + ((leafInd.target - leafInd.baseline) * percent) / 100) * 10) / 10,
                });
              leaf.lastReportAt = report.receivedAt;
              if (state === ReportState.APPROVED) {
                leaf.progress = percent;
                if (leafInd)
                  leafInd.currentValue =
                    Math.round((leafInd.baseline + ((leafInd.target - leafInd.baseline) * percent) / 100) * 10) / 10;
                if (percent >= 100) {
                  leaf.state = TaskState.COMPLETED;
                  leaf.completedAt = report.receivedAt;
                }
              }
            }
          }
        }
      }
    }
    await em.flush();
  }
  // Roll progress up the demo trees: a parent's progress is the weighted mean of its children.
  await em.getConnection().execute(`
    update task p set progress = s.avg from (select parent_id, avg(progress) as avg from task where depth = 2 group by parent_id) s where p.id = s.parent_id;
    update task p set progress = s.avg from (select parent_id, avg(progress) as avg from task where depth = 1 group by parent_id) s where p.id = s.parent_id;`);
}

/** Seeds reference data, and demo data when asked; running it again adds nothing. */
export async function seedIfEmpty(em: EntityManager, logger: Logger, options: { demo: boolean; print: boolean }): Promise<void> {
  const root = await seedReference(em);
  if (options.demo) await seedDemo(em, root);
  if (options.demo && options.print) printDemoAccounts(logger);
}

export function printDemoAccounts(logger: Logger): void {
  logger.warn('demo accounts are enabled: for demonstrations only, never in production', {
    password: DEMO_PASSWORD,
    accounts: DEMO_ACCOUNTS.map((a) => a.username),
  });
  const rows = DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(20)} ${a.roles.join(', ').padEnd(32)} ${a.unit}`);
  console.log(`\n  Demo accounts (password "${DEMO_PASSWORD}") — for demonstrations only:\n${rows.join('\n')}\n`);
}
