// The signed-in user: loaded from GET /api/v1/auth/me; `can('segments:write')` drives what the UI offers
// (the API enforces the same permissions anyway).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api';
import { isLocale, useI18n, type Locale } from './i18n';
import { navigate } from './router';

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  locale: Locale;
  workspaceId: string;
}

interface MeResponse {
  user: User;
  csrfToken: string;
  permissions: string[];
}

export interface Auth {
  /** undefined while loading, null when signed out. */
  user: User | null | undefined;
  permissions: string[];
  can(p: string): boolean;
  signIn(email: string, password: string): Promise<void>;
  acceptInvite(token: string, name: string, password: string, locale?: Locale): Promise<void>;
  signOut(): Promise<void>;
  /** Re-reads /auth/me (e.g. after changing the locale or name). */
  refresh(): Promise<void>;
  updateMe(patch: { name?: string; locale?: Locale }): Promise<void>;
}

const Ctx = createContext<Auth | null>(null);

const signInPath = () => {
  const here = location.pathname + location.search;
  return here === '/' || here.startsWith('/signin') ? '/signin' : `/signin?next=${encodeURIComponent(here)}`;
};

export function AuthProvider({ children }: { children: ReactNode }) {
  const { setLocale } = useI18n();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [permissions, setPermissions] = useState<string[]>([]);

  const applyMe = useCallback(
    (me: MeResponse) => {
      setCsrfToken(me.csrfToken);
      setUser(me.user);
      setPermissions(me.permissions ?? []);
      if (isLocale(me.user.locale)) setLocale(me.user.locale);
    },
    [setLocale],
  );

  const refresh = useCallback(async () => {
    try {
      applyMe(await api.get<MeResponse>('/api/v1/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(undefined);
        setUser(null);
        setPermissions([]);
      } else throw e;
    }
  }, [applyMe]);

  useEffect(() => {
    refresh().catch(() => setUser(null));
    setUnauthorizedHandler(() => {
      setCsrfToken(undefined);
      setUser(null);
      setPermissions([]);
      navigate(signInPath(), { replace: true });
    });
    return () => setUnauthorizedHandler(undefined);
  }, [refresh]);

  const value = useMemo<Auth>(() => {
    const set = new Set(permissions);
    return {
      user,
      permissions,
      can: (p) => set.has(p),
      async signIn(email, password) {
        const r = await api.post<{ csrfToken: string }>('/api/v1/auth/login', { email, password });
        setCsrfToken(r.csrfToken);
        await refresh();
      },
      async acceptInvite(token, name, password, locale) {
        const r = await api.post<{ csrfToken: string }>('/api/v1/auth/accept-invite', {
          token,
          name,
          password,
          ...(locale ? { locale } : {}),
        });
        setCsrfToken(r.csrfToken);
        await refresh();
      },
      async signOut() {
        try {
          await api.post('/api/v1/auth/logout');
        } finally {
          setCsrfToken(undefined);
          setUser(null);
          setPermissions([]);
          navigate('/signin', { replace: true });
        }
      },
      refresh,
      async updateMe(patch) {
        const r = await api.patch<{ user: User }>('/api/v1/auth/me', patch);
        setUser(r.user);
      },
    };
  }, [user, permissions, refresh]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside <AuthProvider>');
  return v;
}
