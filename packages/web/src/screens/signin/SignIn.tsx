import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { navigate, useRoute } from '../../router';
import { Button, Card, ErrorBanner, TextField } from '../../ui';
import { AuthLanguage } from './AuthLanguage';

/** A safe in-app path to go to after signing in (never another origin). */
export const safeNext = (next: string | null) =>
  next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

export default function SignIn() {
  const { t } = useI18n();
  const { user, signIn } = useAuth();
  const { query } = useRoute();
  const next = safeNext(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (user) navigate(next, { replace: true });
  }, [user, next]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const message =
    error instanceof ApiError && error.code === 'invalid_credentials'
      ? t('signin.invalid')
      : error instanceof ApiError && error.code === 'too_many_attempts'
        ? t('signin.tooMany')
        : undefined;

  return (
    <main className="auth-page">
      <Card title={t('signin.title')} id="signin" className="auth-card">
        <AuthLanguage />
        <form onSubmit={submit} noValidate>
          {message ? (
            <div className="error-banner" role="alert">
              {message}
            </div>
          ) : (
            <ErrorBanner error={error} />
          )}
          <TextField
            label={t('signin.email')}
            type="email"
            autoComplete="username"
            dir="ltr"
            required
            value={email}
            onChange={setEmail}
            data-testid="signin-email"
          />
          <TextField
            label={t('signin.password')}
            type="password"
            autoComplete="current-password"
            dir="ltr"
            required
            value={password}
            onChange={setPassword}
            data-testid="signin-password"
          />
          <Button type="submit" variant="primary" busy={busy} data-testid="signin-submit">
            {t('signin.submit')}
          </Button>
        </form>
        <p className="muted">{t('signin.help')}</p>
      </Card>
    </main>
  );
}
