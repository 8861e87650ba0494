import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import EvaluationPage from '../src/pages/committee/EvaluationPage.vue';
import type { RankedUnit, RateableTask } from '../src/graphql/admin';
import { clearSession } from '../src/graphql/session';
import { answerApollo, serverError } from './support/apollo';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const task = (id: string, leadUnitId: string, title: string): RateableTask => ({
  id,
  title,
  dueOn: '2026-12-31',
  status: 'IN_PROGRESS',
  progress: 60,
  leadUnit: { id: leadUnitId, name: leadUnitId === 'p1' ? 'Tỉnh Lâm Đồng' : 'Phường Xuân Hương' },
});
const ranked: RankedUnit = {
  rank: 1,
  own: false,
  unit: { id: 'c1', name: 'Phường Xuân Hương', kind: 'COMMUNE' },
  score: {
    doneWell: 1,
    done: 1,
    notDone: 0,
    rated: 2,
    ratingScore: 0.75,
    onTimeRate: 0.5,
    ratingWeight: 0.6,
    onTimeWeight: 0.4,
    score: 65,
    formula: '100 × (wRating × (2·doneWell + 1·done) ÷ (2·rated) + wOnTime × onTimeRate)',
  },
};
const answers = (evaluations: unknown[] = []) => ({
  tasks: {
    totalCount: 2,
    pageInfo: { hasNextPage: false, endCursor: null },
    nodes: [task('own', 'p1', 'Việc của tỉnh'), task('t1', 'c1', 'Số hoá hồ sơ đất đai')],
  },
  evaluations: { totalCount: evaluations.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes: evaluations },
  unitRanking: [ranked],
});

beforeEach(() => signInAs(['LEADER']));
afterEach(() => {
  vi.restoreAllMocks();
  clearSession();
});

describe('EvaluationPage', () => {
  it('lists only tasks of units below, rates one for the chosen period and shows it rated', async () => {
    const api = answerApollo({
      AdminEvaluation: () => answers(),
      AdminResolutions: () => ({ resolutions: [] }),
      AdminEvaluateTask: ({ input }) => ({
        evaluateTask: { id: 'e1', ...(input as object), updatedAt: '2026-11-30T04:00:00Z' },
      }),
    });
    const { wrapper } = await mountWithApp(EvaluationPage);
    await settle();
    const tasks = wrapper.findAll('.task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.text()).toContain('Số hoá hồ sơ đất đai');
    expect(wrapper.text()).not.toContain('Việc của tỉnh');

    const [kind] = wrapper.findAll('.filters select');
    await kind!.setValue('MONTH');
    await wrapper.find('.filters input[type="number"]').setValue(2026);
    await wrapper.findAll('.filters select')[1]!.setValue('11');
    await settle();
    expect(api.of('AdminEvaluation').at(-1)!.variables.period).toBe('2026-11');

    const row = wrapper.find('.task');
    expect(row.find('button[type="submit"]').attributes('disabled')).toBeDefined();
    await row.find('input[value="DONE_WELL"]').setValue(true);
    await row.find('textarea').setValue('  Vượt tiến độ  ');
    await row.find('form').trigger('submit');
    await settle();
    expect(api.of('AdminEvaluateTask')[0]!.variables).toEqual({
      input: { taskId: 't1', period: '2026-11', rating: 'DONE_WELL', comment: 'Vượt tiến độ' },
    });
    expect(wrapper.find('.task').text()).toContain('Đã đánh giá: Hoàn thành tốt');
    expect(wrapper.find('.task [role="status"]').text()).toBe('Đã lưu đánh giá.');
  });

  it('shows existing ratings and the ranking with the parts of its score', async () => {
    answerApollo({
      AdminEvaluation: () =>
        answers([
          {
            id: 'e1',
            period: '2026-Q4',
            rating: 'NOT_DONE',
            comment: 'Chậm',
            updatedAt: '2026-11-01T00:00:00Z',
            task: { id: 't1', title: 'Số hoá hồ sơ đất đai', leadUnit: { id: 'c1', name: 'Phường Xuân Hương' } },
          },
        ]),
      AdminResolutions: () => ({ resolutions: [] }),
    });
    const { wrapper } = await mountWithApp(EvaluationPage);
    await settle();
    expect(wrapper.find('.task').text()).toContain('Đã đánh giá: Không hoàn thành');
    const listed = wrapper.find('table.rated tbody tr').text();
    expect(listed).toContain('Số hoá hồ sơ đất đai');
    expect(listed).toContain('Không hoàn thành');
    expect(listed).toContain('Chậm');
    expect((wrapper.find('.task input[value="NOT_DONE"]').element as HTMLInputElement).checked).toBe(true);
    const row = wrapper.find('.score-breakdown tbody tr');
    expect(row.text()).toContain('Phường Xuân Hương');
    expect(row.text()).toContain('1 hoàn thành tốt, 1 hoàn thành, 0 không hoàn thành (2 được đánh giá)');
    expect(row.text()).toContain('75% × 0,6');
    expect(row.text()).toContain('50% × 0,4');
    expect(row.find('.computation').text().replace(/\s+/g, ' ')).toBe('100 × (0,6 × 0,75 + 0,4 × 0,5) = 65');
    expect(wrapper.find('.formula code').text()).toContain('2·doneWell');
  });

  it('reads every page of the period’s ratings, so no rated task shows as unrated', async () => {
    const rated = (id: string, rating: string) => ({
      id: `e-${id}`,
      period: '2026-Q4',
      rating,
      comment: null,
      updatedAt: '2026-11-01T00:00:00Z',
      task: { id, title: id, leadUnit: { id: 'c1', name: 'Phường Xuân Hương' } },
    });
    const base = answers([rated('other', 'DONE')]);
    const first = { ...base, evaluations: { ...base.evaluations, pageInfo: { hasNextPage: true, endCursor: 'p2' } } };
    const api = answerApollo({
      AdminEvaluation: () => first,
      AdminEvaluations: () => ({
        evaluations: { totalCount: 2, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [rated('t1', 'DONE_WELL')] },
      }),
      AdminResolutions: () => ({ resolutions: [] }),
    });
    const { wrapper } = await mountWithApp(EvaluationPage);
    await settle();
    expect(api.of('AdminEvaluations')[0]!.variables.after).toBe('p2');
    expect(wrapper.find('.task').text()).toContain('Đã đánh giá: Hoàn thành tốt');
  });

  it('keeps the answer for the period chosen last when an earlier answer arrives late', async () => {
    let releaseFirst!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (releaseFirst = resolve));
    answerApollo({
      AdminEvaluation: async ({ period }) => {
        if (period === '2026-Q4') {
          await firstAnswer;
          return answers();
        }
        return { ...answers(), tasks: { ...answers().tasks, nodes: [task('t2', 'c1', 'Việc của năm')] } };
      },
      AdminResolutions: () => ({ resolutions: [] }),
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 15));
    const { wrapper } = await mountWithApp(EvaluationPage);
    vi.useRealTimers();
    await wrapper.findAll('.filters select')[0]!.setValue('YEAR');
    await settle();
    expect(wrapper.find('.task').text()).toContain('Việc của năm');
    releaseFirst();
    await settle();
    expect(wrapper.findAll('.task').map((t) => t.find('strong').text())).toEqual(['Việc của năm']);
    expect(wrapper.find('ul.tasks').attributes('aria-busy')).toBe('false');
  });

  it('explains a refused rating on its own row', async () => {
    answerApollo({
      AdminEvaluation: () => answers(),
      AdminResolutions: () => ({ resolutions: [] }),
      AdminEvaluateTask: () => serverError('FORBIDDEN', 'Only a leader above the lead unit rates a task'),
    });
    const { wrapper } = await mountWithApp(EvaluationPage, { locale: 'en' });
    await settle();
    await wrapper.find('.task input[value="DONE"]').setValue(true);
    await wrapper.find('.task form').trigger('submit');
    await settle();
    expect(wrapper.find('.task [role="alert"]').text()).toMatch(/^Only a leader above the lead unit rates a task; your own unit/);
  });
});
