import type { ReactNode } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" aria-hidden="true" />
      <span className="visually-hidden">{label ?? t('common.loading')}</span>
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <p className="empty-text">{children}</p>}
      {action}
    </div>
  );
}

/** Shows an API error's code and message (or any error), with an optional retry. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'error';
  const message =
    error instanceof ApiError && error.status === 403
      ? `${t('common.forbidden')} (${error.message})`
      : error instanceof ApiError && error.status === 0
        ? t('common.networkError')
        : error instanceof Error
          ? error.message
          : String(error);
  return (
    <div className="error-banner" role="alert">
      <strong>{t('common.error')}</strong> <code dir="ltr">{code}</code>
      <span className="error-message">{message}</span>
      {error instanceof ApiError && error.field && (
        <span className="error-field">
          {' '}
          {t('common.field')}: <code dir="ltr">{error.field}</code>
        </span>
      )}
      {onRetry && (
        <button type="button" className="btn btn-ghost" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
