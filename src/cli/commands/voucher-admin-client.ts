/**
 * How the admin commands (`voucher list|export|import|register|resell`, `device list`) reach the management API:
 * the server and token from flags or IOTOPIA_SERVER / IOTOPIA_TOKEN, and a refusal turned into a
 * failed check that names the server's problem code.
 */
import type { Command } from 'commander';
import { fetchTrusting } from '../../fdo/client/tls-fetch.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readTlsCa, withTlsCaOption } from '../tls-ca.ts';

export interface ApiTarget {
  server: string;
  token: string;
  /** The fetch to use: one that trusts --tls-ca when given, the global one otherwise. */
  fetch: typeof fetch;
}

export interface ApiOptions {
  server?: string;
  token?: string;
  tlsCa?: string;
}

export function withApiOptions(cmd: Command): Command {
  return withTlsCaOption(
    cmd
      .option('--server <url>', 'the IoTopia server (default: IOTOPIA_SERVER)')
      .option('--token <token>', 'an API token (default: IOTOPIA_TOKEN); `iotopia up` prints the first one'),
  );
}

/** The server, token and trust; `cwd` roots a relative --tls-ca path (the process's directory when absent). */
export function apiTarget(opts: ApiOptions, env: NodeJS.ProcessEnv, cwd?: string): ApiTarget {
  const server = opts.server ?? env.IOTOPIA_SERVER;
  const token = opts.token ?? env.IOTOPIA_TOKEN;
  if (server === undefined || server === '') throw new CliExit(EXIT_USAGE, '--server: give the server URL, or set IOTOPIA_SERVER');
  if (!/^https?:\/\//.test(server)) throw new CliExit(EXIT_USAGE, `--server: ${JSON.stringify(server)} is not an http(s) URL`);
  if (token === undefined || token === '') throw new CliExit(EXIT_USAGE, '--token: give an API token, or set IOTOPIA_TOKEN');
  const tlsCa = readTlsCa({ env, cwd }, opts.tlsCa);
  return { server: server.replace(/\/+$/, ''), token, fetch: tlsCa === undefined ? globalThis.fetch : fetchTrusting(tlsCa) };
}

export async function apiRequest(
  target: ApiTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: { data: Uint8Array | string; type: string },
  options: { accept?: string; timeoutMs?: number } = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await target.fetch(`${target.server}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': body.type }),
        ...(options.accept === undefined ? {} : { accept: options.accept }),
      },
      ...(body === undefined ? {} : { body: body.data }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    // A certificate the client does not trust is named, with the way to trust it.
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause))
      throw new CliExit(
        EXIT_CHECK_FAILED,
        `cannot reach ${target.server}: ${cause} (give --tls-ca with the server's CA, e.g. <data-dir>/tls/ca.pem)`,
      );
    throw new CliExit(EXIT_CHECK_FAILED, `cannot reach ${target.server}: ${cause}`);
  }
  if (response.ok) return response;
  const text = await response.text();
  let problem: { detail?: string; code?: string; reason?: string } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not one of ours (a proxy, another service); the status is all there is.
  }
  const reason = problem.reason === undefined ? '' : ` (${problem.reason})`;
  throw new CliExit(
    EXIT_CHECK_FAILED,
    `${method} ${path}: ${response.status} ${problem.detail ?? response.statusText}${reason}${problem.code === undefined ? '' : ` [${problem.code}]`}`,
  );
}

/** Every item of a paginated list, following `next` to the end. */
export async function listAll<T>(target: ApiTarget, path: string, query: Record<string, string | undefined>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    if (cursor !== undefined) q.set('cursor', cursor);
    const page = (await (await apiRequest(target, 'GET', `${path}?${q}`)).json()) as { items: T[]; next?: string };
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return items;
}

/** A GUID argument in hex or UUID form, as 32 lowercase hex digits; exit 2 naming `name` otherwise. */
export function guidArg(guid: string, name = '<guid>'): string {
  const clean = guid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(clean)) throw new CliExit(EXIT_USAGE, `${name}: ${JSON.stringify(guid)} is not 32 hex digits`);
  return clean;
}
