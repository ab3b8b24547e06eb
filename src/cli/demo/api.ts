/** The local management API as the demo drives it: JSON (or raw bytes) with the admin token; a refusal throws with its problem code. */
import { IotopiaError } from '../../errors.ts';

export type DemoApi = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, type?: string) => Promise<T>;

export function demoApi(base: string, token: string): DemoApi {
  return async <T>(method: string, path: string, body?: unknown, type?: string) => {
    const raw = body instanceof Uint8Array;
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': type ?? (raw ? 'application/octet-stream' : 'application/json') }),
      },
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let code = 'no problem code';
      try {
        code = (JSON.parse(text) as { code?: string }).code ?? code;
      } catch {}
      throw new IotopiaError('ERR_DEMO_SEED', `${method} /api/v1${path}: HTTP ${res.status} ${code}: ${text.slice(0, 300)}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
}
