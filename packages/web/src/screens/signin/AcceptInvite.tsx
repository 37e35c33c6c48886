import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { navigate, useRoute } from '../../router';
import { Button, Card, ErrorBanner, TextField } from '../../ui';
import { AuthLanguage } from './AuthLanguage';

/** /invite/:token — the invited person picks a name and password and is signed in. */
export default function AcceptInvite() {
  const { t, locale } = useI18n();
  const { acceptInvite } = useAuth();
  const { params } = useRoute();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(false);
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await acceptInvite(params.token ?? '', name.trim(), password, locale);
      navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const invalidLink =
    error instanceof ApiError &&
    (error.code === 'invalid_invitation' || error.status === 404 || error.status === 410);
  return (
    <main className="auth-page">
      <Card title={t('signin.inviteTitle')} id="invite" className="auth-card">
        <AuthLanguage />
        <p>{t('signin.inviteIntro')}</p>
        <form onSubmit={submit} noValidate>
          {invalidLink ? (
            <div className="error-banner" role="alert">
              {t('signin.inviteInvalid')}
            </div>
          ) : (
            <ErrorBanner error={error} />
          )}
          <TextField
            label={t('signin.name')}
            autoComplete="name"
            required
            value={name}
            onChange={setName}
            data-testid="invite-name"
          />
          <TextField
            label={t('signin.newPassword')}
            hint={t('signin.passwordHint')}
            type="password"
            autoComplete="new-password"
            dir="ltr"
            required
            value={password}
            onChange={setPassword}
            data-testid="invite-password"
          />
          <TextField
            label={t('signin.confirmPassword')}
            type="password"
            autoComplete="new-password"
            dir="ltr"
            required
            value={confirm}
            onChange={setConfirm}
            error={mismatch ? t('signin.mismatch') : undefined}
            data-testid="invite-confirm"
          />
          <Button type="submit" variant="primary" busy={busy} data-testid="invite-submit">
            {t('signin.accept')}
          </Button>
        </form>
      </Card>
    </main>
  );
}
