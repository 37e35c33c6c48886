// Picks the route for the current path; public routes render bare, the rest inside the signed-in layout.
import { Suspense, useEffect, useMemo } from 'react';
import { useAuth } from './auth';
import { useI18n } from './i18n';
import { matchPath, navigate, RouteParams, useLocation } from './router';
import { routes, type RouteDef } from './routes';
import { Layout } from './screens/layout/Layout';
import { EmptyState, Spinner } from './ui';

function match(pathname: string): { route: RouteDef; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return undefined;
}

export function App() {
  const { pathname, search } = useLocation();
  const { user, can } = useAuth();
  const { t } = useI18n();
  const m = useMemo(() => match(pathname), [pathname]);

  const needsSignIn = !m?.route.public && user === null;
  useEffect(() => {
    if (needsSignIn) {
      const here = pathname + search;
      navigate(here === '/' ? '/signin' : `/signin?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [needsSignIn, pathname, search]);

  useEffect(() => {
    const key = m?.route.nav;
    document.title = key ? `${t(key)} · omnicx` : 'omnicx';
  }, [m, t]);

  if (m?.route.public) {
    const C = m.route.component;
    return (
      <Suspense fallback={<Spinner />}>
        <RouteParams params={m.params}>
          <C />
        </RouteParams>
      </Suspense>
    );
  }
  if (!user) return <Spinner />;

  let body;
  if (!m) body = <EmptyState title={t('common.notFound')}>{pathname}</EmptyState>;
  else if (m.route.permission && !can(m.route.permission))
    body = (
      <EmptyState title={t('common.forbiddenScreen')}>
        {t('common.needPermission', { permission: m.route.permission })}
      </EmptyState>
    );
  else {
    const C = m.route.component;
    body = (
      <RouteParams params={m.params}>
        <C />
      </RouteParams>
    );
  }
  return (
    <Layout>
      <Suspense fallback={<Spinner />}>{body}</Suspense>
    </Layout>
  );
}
