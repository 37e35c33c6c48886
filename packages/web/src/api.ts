// The console's only way to the server: fetch with the session cookie, JSON in and out, errors as ApiError.

/** An error answer from the API: `{"error":{"code","message","field"?}}`, or a network failure (status 0). */
export class ApiError extends Error {
  status: number;
  code: string;
  field?: string;
  /** Every error of a refused rule / definition (`error.details`), when the API lists them. */
  details?: unknown;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Set by auth.tsx from the login / me answer; sent as `x-csrf-token` on unsafe methods. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Set by auth.tsx: called when a request answers 401 (session expired): sends the user to sign-in. */
export function setUnauthorizedHandler(fn: (() => void) | undefined): void {
  onUnauthorized = fn;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (
      data as { error?: { code?: string; message?: string; field?: string; details?: unknown } } | undefined
    )?.error;
    const apiError = new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? (res.statusText || `HTTP ${res.status}`),
      err?.field,
    );
    if (err?.details !== undefined) apiError.details = err.details;
    if (res.status === 401 && !path.startsWith('/api/v1/auth/')) onUnauthorized?.();
    throw apiError;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};
