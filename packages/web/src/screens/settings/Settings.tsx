// Settings: API keys, users and invitations, the audit log, and the workspace (read-only). Tabs the role
// cannot read are not offered; buttons it cannot use are disabled with the reason.
import { useState, type ComponentType, type FormEvent } from 'react';
import { api } from '../../api';
import { useAuth, type User } from '../../auth';
import { useApi } from '../../hooks';
import { useI18n } from '../../i18n';
import { navigate, setQuery, useRoute } from '../../router';
import {
  Badge,
  Button,
  Card,
  Dialog,
  EmptyState,
  ErrorBanner,
  Select,
  Spinner,
  Table,
  Tabs,
  TextField,
} from '../../ui';

const ROLES = ['admin', 'marketer', 'analyst', 'agent'];
const enc = encodeURIComponent;

function useDenied() {
  const { t } = useI18n();
  const { can } = useAuth();
  return (p: string) => (can(p) ? undefined : t('common.noPermissionAction', { permission: p }));
}

function CopyBox({ value, label }: { value: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" role="status">
      <p>{label}</p>
      <div className="row">
        <code dir="ltr" data-testid="copy-value">
          {value}
        </code>
        <Button
          onClick={() =>
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      </div>
    </div>
  );
}

// ---- keys ----

interface Key {
  id: string;
  kind: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

function KeysTab() {
  const { t, date } = useI18n();
  const denied = useDenied();
  const keys = useApi(() => api.get<{ keys: Key[] }>('/api/v1/keys'), []);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [kind, setKind] = useState('write');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<Key>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const k = await api.post<Key & { key: string }>('/api/v1/keys', { kind, name: name.trim() });
      setCreated(k.key);
      setOpen(false);
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    if (!revoking) return;
    setError(undefined);
    try {
      await api.del(`/api/v1/keys/${enc(revoking.id)}`);
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setRevoking(undefined);
    }
  };

  return (
    <Card
      title={t('settings.keys')}
      id="settings-keys"
      actions={
        <Button variant="primary" onClick={() => setOpen(true)} disabledReason={denied('keys:write')}>
          {t('settings.newKey')}
        </Button>
      }
    >
      {created && <CopyBox value={created} label={t('settings.keyCreated')} />}
      <ErrorBanner error={error} />
      {keys.loading ? (
        <Spinner />
      ) : keys.error ? (
        <ErrorBanner error={keys.error} onRetry={keys.reload} />
      ) : (
        <Table<Key>
          caption={t('settings.keys')}
          rows={keys.data!.keys}
          rowKey={(k) => k.id}
          initialSort={{ key: 'created', desc: true }}
          empty={<EmptyState title={t('settings.noKeys')} />}
          columns={[
            {
              key: 'name',
              header: t('settings.keyName'),
              sortValue: (k) => k.name,
              render: (k) => <span dir="auto">{k.name}</span>,
            },
            {
              key: 'kind',
              header: t('settings.keyKind'),
              sortValue: (k) => k.kind,
              render: (k) => t(`settings.kind.${k.kind}`),
            },
            {
              key: 'prefix',
              header: t('settings.keyPrefix'),
              render: (k) => <code dir="ltr">{k.prefix}…</code>,
            },
            {
              key: 'created',
              header: t('settings.created'),
              sortValue: (k) => Date.parse(k.createdAt),
              render: (k) => date(Date.parse(k.createdAt)),
            },
            {
              key: 'state',
              header: t('settings.state'),
              render: (k) =>
                k.revokedAt ? (
                  <Badge tone="bad">{t('settings.revokedAt', { date: date(Date.parse(k.revokedAt)) })}</Badge>
                ) : (
                  <Badge tone="good">{t('settings.active')}</Badge>
                ),
            },
            {
              key: 'actions',
              header: t('settings.actions'),
              render: (k) =>
                k.revokedAt ? null : (
                  <Button
                    variant="danger"
                    onClick={() => setRevoking(k)}
                    disabledReason={denied('keys:write')}
                  >
                    {t('settings.revoke')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <Dialog open={open} title={t('settings.newKey')} onClose={() => setOpen(false)}>
        <form onSubmit={create}>
          <TextField label={t('settings.keyName')} required value={name} onChange={setName} maxLength={100} />
          <Select
            label={t('settings.keyKind')}
            value={kind}
            onChange={setKind}
            hint={t(`settings.kindHelp.${kind}`)}
            options={['write', 'secret'].map((k) => ({ value: k, label: t(`settings.kind.${k}`) }))}
          />
          <div className="row">
            <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
              {t('common.create')}
            </Button>
            <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
          </div>
        </form>
      </Dialog>
      <Dialog
        open={revoking !== undefined}
        title={t('settings.revokeTitle')}
        onClose={() => setRevoking(undefined)}
        footer={
          <>
            <Button onClick={() => setRevoking(undefined)}>{t('common.cancel')}</Button>
            <Button variant="danger" onClick={() => void revoke()}>
              {t('settings.revoke')}
            </Button>
          </>
        }
      >
        <p>{t('settings.revokeText', { name: revoking?.name ?? '' })}</p>
      </Dialog>
    </Card>
  );
}

// ---- users ----

interface UserRow extends User {
  disabled: boolean;
  createdAt: number | string;
  lastLoginAt: number | string | null;
}
interface Invitation {
  id: string;
  email: string;
  role: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
}
const ms = (x: number | string | null) => (x === null ? null : typeof x === 'number' ? x : Date.parse(x));

function UsersTab() {
  const { t, date } = useI18n();
  const { user: me, can } = useAuth();
  const denied = useDenied();
  const users = useApi(() => api.get<{ users: UserRow[] }>('/api/v1/users'), []);
  const invitations = useApi(
    () =>
      can('users:read')
        ? api.get<{ invitations: Invitation[] }>('/api/v1/invitations')
        : Promise.resolve({ invitations: [] }),
    [],
  );
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('agent');
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ link: string }>('/api/v1/invitations', { email: email.trim(), role });
      setLink(new URL(r.link, location.origin).href);
      setOpen(false);
      setEmail('');
      invitations.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const change = async (id: string, patch: { role?: string; disabled?: boolean }) => {
    setError(undefined);
    try {
      await api.patch(`/api/v1/users/${enc(id)}`, patch);
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const cancelInvite = async (id: string) => {
    setError(undefined);
    try {
      await api.del(`/api/v1/invitations/${enc(id)}`);
      invitations.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="stack">
      <Card
        title={t('settings.users')}
        id="settings-users"
        actions={
          <Button
            variant="primary"
            onClick={() => setOpen(true)}
            disabledReason={denied('users:write')}
            data-testid="invite-button"
          >
            {t('settings.invite')}
          </Button>
        }
      >
        {link && <CopyBox value={link} label={t('settings.inviteCreated')} />}
        <ErrorBanner error={error} />
        {users.loading ? (
          <Spinner />
        ) : users.error ? (
          <ErrorBanner error={users.error} onRetry={users.reload} />
        ) : (
          <Table<UserRow>
            caption={t('settings.users')}
            rows={users.data!.users}
            rowKey={(u) => u.id}
            columns={[
              {
                key: 'name',
                header: t('settings.name'),
                sortValue: (u) => u.name,
                render: (u) => <span dir="auto">{u.name}</span>,
              },
              {
                key: 'email',
                header: t('settings.email'),
                sortValue: (u) => u.email,
                render: (u) => <span dir="ltr">{u.email}</span>,
              },
              {
                key: 'role',
                header: t('settings.role'),
                sortValue: (u) => u.role,
                render: (u) =>
                  can('users:write') && u.id !== me?.id ? (
                    <Select
                      label={t('settings.roleOf', { name: u.name || u.email })}
                      hideLabel
                      value={u.role}
                      onChange={(r) => void change(u.id, { role: r })}
                      options={ROLES.map((r) => ({ value: r, label: t(`layout.role.${r}`) }))}
                    />
                  ) : (
                    t(`layout.role.${u.role}`)
                  ),
              },
              {
                key: 'last',
                header: t('settings.lastLogin'),
                sortValue: (u) => ms(u.lastLoginAt) ?? 0,
                render: (u) => (u.lastLoginAt ? date(ms(u.lastLoginAt)!) : '—'),
              },
              {
                key: 'state',
                header: t('settings.state'),
                render: (u) =>
                  u.disabled ? (
                    <Badge tone="bad">{t('settings.disabled')}</Badge>
                  ) : (
                    <Badge tone="good">{t('settings.active')}</Badge>
                  ),
              },
              {
                key: 'actions',
                header: t('settings.actions'),
                render: (u) =>
                  u.id === me?.id ? (
                    <span className="muted">{t('settings.you')}</span>
                  ) : (
                    <Button
                      onClick={() => void change(u.id, { disabled: !u.disabled })}
                      disabledReason={denied('users:write')}
                    >
                      {u.disabled ? t('settings.enable') : t('settings.disable')}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Card title={t('settings.invitations')} id="settings-invitations">
        {invitations.loading ? (
          <Spinner />
        ) : invitations.error ? (
          <ErrorBanner error={invitations.error} onRetry={invitations.reload} />
        ) : (
          <Table<Invitation>
            caption={t('settings.invitations')}
            rows={invitations.data!.invitations}
            rowKey={(i) => i.id}
            empty={<EmptyState title={t('settings.noInvitations')} />}
            columns={[
              {
                key: 'email',
                header: t('settings.email'),
                sortValue: (i) => i.email,
                render: (i) => <span dir="ltr">{i.email}</span>,
              },
              { key: 'role', header: t('settings.role'), render: (i) => t(`layout.role.${i.role}`) },
              {
                key: 'expires',
                header: t('settings.expires'),
                sortValue: (i) => Date.parse(i.expiresAt),
                render: (i) =>
                  i.expired ? (
                    <Badge tone="warn">{t('settings.expired')}</Badge>
                  ) : (
                    date(Date.parse(i.expiresAt))
                  ),
              },
              {
                key: 'actions',
                header: t('settings.actions'),
                render: (i) => (
                  <Button
                    variant="danger"
                    onClick={() => void cancelInvite(i.id)}
                    disabledReason={denied('users:write')}
                  >
                    {t('settings.cancelInvite')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Dialog open={open} title={t('settings.invite')} onClose={() => setOpen(false)}>
        <form onSubmit={invite}>
          <ErrorBanner error={error} />
          <TextField
            label={t('settings.email')}
            type="email"
            dir="ltr"
            required
            value={email}
            onChange={setEmail}
            data-testid="invite-email"
          />
          <Select
            label={t('settings.role')}
            value={role}
            onChange={setRole}
            hint={t(`settings.roleHelp.${role}`)}
            options={ROLES.map((r) => ({ value: r, label: t(`layout.role.${r}`) }))}
            data-testid="invite-role"
          />
          <div className="row">
            <Button
              type="submit"
              variant="primary"
              busy={busy}
              disabled={!email.trim()}
              data-testid="invite-send"
            >
              {t('settings.sendInvite')}
            </Button>
            <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

// ---- audit ----

interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; label: string | null };
  action: string;
  method: string | null;
  route: string | null;
  resourceId: string | null;
  status: number | null;
  summary: unknown;
}

function AuditTab() {
  const { t, date, num } = useI18n();
  const { query } = useRoute();
  const actor = query.get('actor') ?? '';
  const action = query.get('action') ?? '';
  const [actorText, setActorText] = useState(actor);
  const [actionText, setActionText] = useState(action);
  const [more, setMore] = useState<{ entries: AuditEntry[]; next: string | null }[]>([]);
  const [moreError, setMoreError] = useState<unknown>();
  const first = useApi(async () => {
    setMore([]);
    return api.get<{ entries: AuditEntry[]; next: string | null }>('/api/v1/audit', {
      limit: 50,
      actor,
      action,
    });
  }, [actor, action]);
  const entries = [...(first.data?.entries ?? []), ...more.flatMap((m) => m.entries)];
  const next = more.length ? more[more.length - 1]!.next : (first.data?.next ?? null);
  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await api.get<{ entries: AuditEntry[]; next: string | null }>('/api/v1/audit', {
        limit: 50,
        actor,
        action,
        cursor: next,
      });
      setMore((m) => [...m, page]);
    } catch (e) {
      setMoreError(e);
    }
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ actor: actorText.trim() || undefined, action: actionText.trim() || undefined });
  };
  return (
    <Card title={t('settings.audit')} id="settings-audit">
      <form className="row" onSubmit={apply} aria-label={t('settings.auditFilters')}>
        <TextField
          label={t('settings.filterActor')}
          hint={t('settings.filterActorHint')}
          dir="ltr"
          value={actorText}
          onChange={setActorText}
        />
        <TextField
          label={t('settings.filterAction')}
          hint={t('settings.filterActionHint')}
          dir="ltr"
          value={actionText}
          onChange={setActionText}
        />
        <Button type="submit">{t('settings.applyFilters')}</Button>
      </form>
      {first.loading ? (
        <Spinner />
      ) : first.error ? (
        <ErrorBanner error={first.error} onRetry={first.reload} />
      ) : (
        <>
          <Table<AuditEntry>
            caption={t('settings.audit')}
            rows={entries}
            rowKey={(e) => e.id}
            empty={<EmptyState title={t('settings.noAudit')} />}
            columns={[
              {
                key: 'at',
                header: t('settings.when'),
                sortValue: (e) => Date.parse(e.at),
                render: (e) => date(Date.parse(e.at)),
              },
              {
                key: 'actor',
                header: t('settings.who'),
                sortValue: (e) => e.actor.label ?? '',
                render: (e) => (
                  <span>
                    <Badge>{t(`settings.actor.${e.actor.type}`)}</Badge>{' '}
                    <span dir="ltr">{e.actor.label ?? e.actor.id ?? '—'}</span>
                  </span>
                ),
              },
              {
                key: 'action',
                header: t('settings.what'),
                sortValue: (e) => e.action,
                render: (e) => <code dir="ltr">{e.action}</code>,
              },
              {
                key: 'route',
                header: t('settings.route'),
                render: (e) => (e.route ? <code dir="ltr">{`${e.method ?? ''} ${e.route}`}</code> : '—'),
              },
              {
                key: 'resource',
                header: t('settings.resource'),
                render: (e) => (e.resourceId ? <code dir="ltr">{e.resourceId}</code> : '—'),
              },
              {
                key: 'status',
                header: t('settings.status'),
                numeric: true,
                render: (e) =>
                  e.status === null ? (
                    '—'
                  ) : (
                    <Badge tone={e.status < 400 ? 'good' : 'bad'}>
                      {num(e.status, { useGrouping: false })}
                    </Badge>
                  ),
              },
              {
                key: 'summary',
                header: t('settings.summary'),
                render: (e) =>
                  e.summary === null || e.summary === undefined ? (
                    '—'
                  ) : (
                    <details>
                      <summary>{t('customers.details')}</summary>
                      <pre
                        dir="ltr"
                        className="mono"
                        style={{ whiteSpace: 'pre-wrap', maxInlineSize: '30rem' }}
                      >
                        {JSON.stringify(e.summary, null, 2)}
                      </pre>
                    </details>
                  ),
              },
            ]}
          />
          <ErrorBanner error={moreError} />
          {next && <Button onClick={() => void loadMore()}>{t('common.more')}</Button>}
        </>
      )}
    </Card>
  );
}

// ---- workspace ----

function WorkspaceTab() {
  const { t, date } = useI18n();
  const ws = useApi(async () => {
    const [w, identity] = await Promise.all([
      api.get<{ id: string; name: string; createdAt: string }>('/api/v1/workspace'),
      api.get<unknown>('/api/v1/settings/identity').catch(() => null),
    ]);
    return { w, identity };
  }, []);
  return (
    <Card title={t('settings.workspace')} id="settings-workspace">
      {ws.loading ? (
        <Spinner />
      ) : ws.error ? (
        <ErrorBanner error={ws.error} onRetry={ws.reload} />
      ) : (
        <>
          <dl className="kv">
            <dt>{t('settings.name')}</dt>
            <dd dir="auto">{ws.data!.w.name}</dd>
            <dt>{t('settings.workspaceId')}</dt>
            <dd>
              <code dir="ltr">{ws.data!.w.id}</code>
            </dd>
            <dt>{t('settings.created')}</dt>
            <dd>{date(Date.parse(ws.data!.w.createdAt))}</dd>
          </dl>
          {ws.data!.identity !== null && (
            <>
              <h3>{t('settings.identity')}</h3>
              <p className="muted">{t('settings.identityHelp')}</p>
              <pre dir="ltr" className="mono" style={{ whiteSpace: 'pre-wrap', overflowX: 'auto' }}>
                {JSON.stringify(ws.data!.identity, null, 2)}
              </pre>
            </>
          )}
        </>
      )}
    </Card>
  );
}

const TABS: { id: string; permission: string; C: ComponentType }[] = [
  { id: 'users', permission: 'users:read', C: UsersTab },
  { id: 'keys', permission: 'keys:read', C: KeysTab },
  { id: 'audit', permission: 'audit:read', C: AuditTab },
  { id: 'workspace', permission: 'settings:read', C: WorkspaceTab },
];

export default function Settings() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { params } = useRoute();
  const tabs = TABS.filter((x) => can(x.permission));
  if (tabs.length === 0)
    return (
      <EmptyState title={t('common.forbiddenScreen')}>
        {t('common.needPermission', { permission: 'settings:read' })}
      </EmptyState>
    );
  const active = tabs.find((x) => x.id === params.tab) ?? tabs[0]!;
  const C = active.C;
  return (
    <div>
      <h1>{t('settings.title')}</h1>
      <Tabs
        label={t('settings.title')}
        tabs={tabs.map((x) => ({ id: x.id, label: t(`settings.tab.${x.id}`) }))}
        active={active.id}
        onChange={(id) => navigate(`/settings/${id}`)}
      >
        <C />
      </Tabs>
    </div>
  );
}
