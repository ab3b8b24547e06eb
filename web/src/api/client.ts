/**
 * Calls to the management API (/api/v1), the same API the CLI uses. Every call carries the
 * token; a problem answer becomes an ApiError with its details; a 401 also tells the session, so
 * that the console returns to log-in with the reason.
 */
import { ApiError, type ProblemDetails } from './problem.ts';
import { readToken } from './token-store.ts';

export const API = '/api/v1';

type AuthListener = (e: ApiError) => void;
let onAuthFailure: AuthListener | undefined;

/** Called with the refusal whenever the server answers 401. */
export function setAuthFailureListener(listener: AuthListener | undefined): void {
  onAuthFailure = listener;
}

export type Query = Record<string, string | number | boolean | undefined | readonly string[]>;

/** `path` with the query's defined members, arrays as repeated parameters. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  const q = params.toString();
  return q === '' ? path : `${path}?${q}`;
}

async function problemOf(response: Response): Promise<ProblemDetails> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await response.json()) as ProblemDetails;
    } catch {
      // fall through to the status text
    }
  }
  return { status: response.status, title: response.statusText, detail: `the server answered ${response.status} ${response.statusText}` };
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

/** The raw answer of an API call, refused answers thrown as ApiError. */
export async function apiFetch(path: string, o: CallOptions = {}): Promise<Response> {
  const token = o.token ?? readToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method: o.method ?? 'GET',
      headers,
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      credentials: 'omit',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: 'the server could not be reached' });
  }
  if (!response.ok) {
    const error = new ApiError(response.status, await problemOf(response));
    if (response.status === 401) onAuthFailure?.(error);
    throw error;
  }
  return response;
}

/** A JSON answer of an API call (undefined for 204). */
export async function api<T>(path: string, o: CallOptions = {}): Promise<T> {
  const response = await apiFetch(path, o);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A page of a list route. */
export interface Page<T> {
  items: T[];
  next?: string;
}
