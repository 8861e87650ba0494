import { useI18n } from 'vue-i18n';
import { errorMessageKey } from '../graphql/errors';
import type { PagedList } from './usePagedList';

/** The committee task page's lists, as taskPageLists.<name> names them in "show N more". */
export type TaskPageList = 'subTasks' | 'reports' | 'history';

/**
 * PagedList's props for one of the task page's lists (its heading counts it): "show N more …"
 * with how many are left, "loading…" while the next page is read, and why it failed in the
 * person's language.
 */
export function useTaskPageLists() {
  const { t } = useI18n();
  return function paging<T extends { id: string }>(list: PagedList<T>, name: TaskPageList) {
    return {
      list,
      moreLabel: t('taskPageLists.showMore', { n: list.remaining.value, list: t(`taskPageLists.${name}`) }),
      loadingLabel: t('taskPageLists.loadingMore'),
      error: list.error.value ? `${t('taskPageLists.moreFailed')} ${t(errorMessageKey(list.error.value))}` : '',
    };
  };
}
