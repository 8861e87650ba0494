import { beforeEach, describe, expect, it, vi } from 'vitest';
import ReportProgressForm from '../src/components/reports/ReportProgressForm.vue';
import { emptyDraft, parseNumber, validateReport } from '../src/composables/reportForm';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { readDraft } from '../src/offline/drafts';
import { buildIndicator, buildTask } from './support/factories';
import { mountWithApp, settle } from './support/mount';

describe('validateReport', () => {
  const indicator = buildIndicator();

  it('asks for a percent, a narrative, and the obstacles when flagged', () => {
    const errors = validateReport({ ...emptyDraft(), hasObstacles: true }, [indicator]);
    expect(errors.percent?.key).toBe('report.errors.percentRequired');
    expect(errors.narrative?.key).toBe('report.errors.narrativeRequired');
    expect(errors.obstacles?.key).toBe('report.errors.obstaclesRequired');
  });

  it('refuses a percent above 100 and an indicator value that is not a number', () => {
    const errors = validateReport({ ...emptyDraft(), percent: '120', narrative: 'x', values: { [indicator.id]: '12a' } }, [
      indicator,
    ]);
    expect(errors.percent?.key).toBe('report.errors.percentRange');
    expect(errors[`value:${indicator.id}`]?.key).toBe('report.errors.notANumber');
  });

  it('accepts a decimal comma, as Vietnamese is typed', () => {
    expect(parseNumber('12,5')).toBe(12.5);
    expect(validateReport({ ...emptyDraft(), percent: '62,5', narrative: 'Đã làm' }, [indicator])).toEqual({});
  });

  it('leaves a blank indicator unreported rather than wrong', () => {
    expect(
      validateReport({ ...emptyDraft(), percent: '10', narrative: 'x', values: { [indicator.id]: '' } }, [indicator]),
    ).toEqual({});
  });
});

describe('ReportProgressForm', () => {
  beforeEach(async () => {
    sessionStorage.clear();
    await resetDatabaseForTests();
  });

  it('shows what is wrong in Vietnamese and saves nothing', async () => {
    const task = buildTask({ progress: 40, indicators: [buildIndicator()] });
    const { wrapper } = await mountWithApp(ReportProgressForm, { props: { task } });
    await wrapper.get('#report-percent').setValue('150');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('Tiến độ phải từ 0 đến 100.');
    expect(wrapper.text()).toContain('Hãy ghi kết quả đã làm.');
    expect(wrapper.get('#report-percent').attributes('aria-invalid')).toBe('true');
    expect(await useDatabase().outbox.count()).toBe(0);
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  it('shows the same rules in English when English is chosen', async () => {
    const task = buildTask();
    const { wrapper } = await mountWithApp(ReportProgressForm, { props: { task }, locale: 'en' });
    await wrapper.get('#report-percent').setValue('');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('Enter the progress (0–100).');
  });

  it('saves a valid report on the phone at once, with its outbox entry', async () => {
    const indicator = buildIndicator();
    const task = buildTask({ progress: 40, indicators: [indicator] });
    const { wrapper } = await mountWithApp(ReportProgressForm, { props: { task, answersReportId: null } });
    await wrapper.get('#report-percent').setValue('65');
    await wrapper.get(`#value-${indicator.id}`).setValue('55,5');
    await wrapper.get('#report-narrative').setValue('Đã tổ chức 3 lớp tập huấn');
    await wrapper.get('#report-has-obstacles').setValue(true);
    await wrapper.get('#report-obstacles').setValue('Thiếu kinh phí');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.emitted('saved')).toHaveLength(1);
    const db = useDatabase();
    const [entry] = await db.outbox.toArray();
    expect(entry?.kind).toBe('CREATE_REPORT');
    if (entry?.kind !== 'CREATE_REPORT') return;
    expect(entry.createReport).toMatchObject({
      taskId: task.id,
      percent: 65,
      values: [{ indicatorId: indicator.id, value: 55.5 }],
      narrative: 'Đã tổ chức 3 lớp tập huấn',
      hasObstacles: true,
      obstacles: 'Thiếu kinh phí',
    });
    expect((await db.reports.get(entry.createReport.reportId))?.syncState).toBe('PENDING');
  });

  it('keeps a half-typed report on the device (not in the tab) across a reload, and forgets it once saved', async () => {
    const task = buildTask({ progress: 20 });
    const db = useDatabase();
    const first = await mountWithApp(ReportProgressForm, { props: { task } });
    await first.wrapper.get('#report-narrative').setValue('Đang viết dở');
    await first.wrapper.get('#report-percent').setValue('35');
    await vi.waitFor(async () =>
      expect((await readDraft(db, `report:${task.id}`))?.value).toMatchObject({ narrative: 'Đang viết dở', percent: '35' }),
    );
    expect(sessionStorage.length).toBe(0);
    expect((await readDraft(db, `report:${task.id}`))?.place).toEqual({ title: task.title, path: [] });
    first.wrapper.unmount();

    const second = await mountWithApp(ReportProgressForm, { props: { task } });
    await vi.waitFor(() =>
      expect((second.wrapper.get('#report-narrative').element as HTMLTextAreaElement).value).toBe('Đang viết dở'),
    );
    expect((second.wrapper.get('#report-percent').element as HTMLInputElement).value).toBe('35');
    expect(second.wrapper.find('[data-test="draft-restored"]').exists()).toBe(true);
    await second.wrapper.get('form').trigger('submit');
    await settle();
    expect(second.wrapper.emitted('saved')).toHaveLength(1);
    expect(await readDraft(db, `report:${task.id}`)).toBeUndefined();
    second.wrapper.unmount();

    const third = await mountWithApp(ReportProgressForm, { props: { task } });
    await settle();
    expect((third.wrapper.get('#report-narrative').element as HTMLTextAreaElement).value).toBe('');
    expect(third.wrapper.find('[data-test="draft-restored"]').exists()).toBe(false);
  });

  it('forgets the half-typed report when it is cancelled', async () => {
    const task = buildTask();
    const db = useDatabase();
    const { wrapper } = await mountWithApp(ReportProgressForm, { props: { task } });
    await wrapper.get('#report-narrative').setValue('Bỏ dở');
    await vi.waitFor(async () => expect(await readDraft(db, `report:${task.id}`)).toBeDefined());
    const cancel = wrapper.findAll('button').find((b) => b.text() === 'Huỷ báo cáo');
    expect(cancel?.attributes('type')).toBe('button');
    await cancel!.trigger('click');
    await settle();
    expect(wrapper.emitted('cancel')).toHaveLength(1);
    expect(await readDraft(db, `report:${task.id}`)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });
});
