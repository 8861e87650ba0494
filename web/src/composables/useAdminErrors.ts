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
