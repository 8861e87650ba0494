import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessageKey, toApiError } from '../graphql/errors';

/**
 * A server refusal explained in the person's language: first what this operation's refusal with
 * that code means (admin.errors.<operation>.<code>), then the field it names, then the general
 * message for the code. The server's own English text is never shown.
 */
export function useAdminErrors() {
  const { t, te } = useI18n();
  return function explain(operation: string, error: unknown): string {
    const api = toApiError(error);
    const specific = `admin.errors.${operation}.${api.code}`;
    if (te(specific)) return t(specific);
    if (api.code === 'BAD_USER_INPUT' && api.field && te(`admin.fields.${api.field}`)) {
      return t('admin.errors.badField', { field: t(`admin.fields.${api.field}`) });
    }
    return t(errorMessageKey(api));
  };
}

/**
 * An administration screen's actions, one at a time: `run` clears the last message, does the
 * work, then says `done` (a locales/ key) in `notice` or why the server refused in `error`.
 * `busy` is the key of the action running (the account it is about, say), null when none is.
 */
export function useAdminAction() {
  const { t } = useI18n();
  const explain = useAdminErrors();
  const busy = ref<string | null>(null);
  const error = ref('');
  const notice = ref('');
  async function run(operation: string, work: () => Promise<void>, done: string, key = operation): Promise<void> {
    busy.value = key;
    error.value = notice.value = '';
    try {
      await work();
      notice.value = t(done);
    } catch (e) {
      error.value = explain(operation, e);
    } finally {
      busy.value = null;
    }
  }
  return { explain, busy, error, notice, run };
}
