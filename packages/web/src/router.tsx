// A tiny history-API router: the current location in a store, `navigate()`, `<Link>`, and pattern matching
// of '/customers/:id' style paths. The App matches the route table (routes.tsx) and provides the params.
import {
  createContext,
  useContext,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

export interface Route {
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => location.pathname + location.search;

/** Goes to an in-app path (pushes history; `replace` replaces the current entry). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** The current pathname + search, re-rendering on change. */
export function useLocation(): { pathname: string; search: string } {
  const s = useSyncExternalStore(subscribe, snapshot);
  const i = s.indexOf('?');
  return i < 0 ? { pathname: s, search: '' } : { pathname: s.slice(0, i), search: s.slice(i) };
}

/** Matches '/customers/:id' against '/customers/abc' → { id: 'abc' }; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(s[i]!);
      } catch {
        return null;
      }
    } else if (seg !== s[i]) return null;
  }
  return params;
}

const ParamsCtx = createContext<Record<string, string>>({});

/** Provided by the App around the matched screen. */
export function RouteParams({ params, children }: { params: Record<string, string>; children: ReactNode }) {
  return <ParamsCtx.Provider value={params}>{children}</ParamsCtx.Provider>;
}

export function useRoute(): Route {
  const { pathname, search } = useLocation();
  const params = useContext(ParamsCtx);
  return { path: pathname, params, query: new URLSearchParams(search) };
}

/** Replaces the query string (keeps the path), e.g. to keep filters in the URL. */
export function setQuery(values: Record<string, string | undefined>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), { replace: true });
}

export function Link({
  to,
  children,
  onClick,
  ...rest
}: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
