/**
 * The device agent's ServiceInfo ports on the local machine: downloads (fdo.download, fdo.wget) land
 * in one directory (names may not leave it), fdo.wget fetches over http and https only, fdo.upload
 * reads files from the one directory the operator allowed and nothing otherwise, commands run only
 * when the operator allowed them, and what the owner provisions is kept in a file readable by this
 * user only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type {
  ByteSink,
  ByteSource,
  CommandExecutor,
  CommandRequest,
  CommandResult,
  HttpFetch,
  HttpResponse,
  ManagementProvision,
  ManagementStore,
} from '../fdo/serviceinfo/ports.ts';
import { appendToPartFile, createPartFile, readFileRange } from '../platform/part-files.ts';

/** A sink writing each file to `<dir>/<name>` through a temporary file renamed on commit. */
export function directorySink(dir: string): ByteSink {
  const pending = new Map<string, { temp: string; final: string }>();
  return {
    async create(name) {
      const safe = basename(name);
      if (safe === '' || safe === '.' || safe === '..' || safe !== name)
        throw new Error(`download name "${name}" is not a plain file name`);
      // Downloads may hold secrets (a Wi-Fi password): a directory made here is 0700, files 0600.
      await mkdirPrivate(dir);
      const handle = randomBytes(8).toString('hex');
      const temp = join(dir, `.${safe}.${handle}.part`);
      await createPartFile(temp);
      pending.set(handle, { temp, final: join(dir, safe) });
      return handle;
    },
    append: (handle, bytes) => appendToPartFile(entry(handle).temp, bytes),
    read: (handle, offset, length) => readFileRange(entry(handle).temp, offset, length),
    async commit(handle) {
      const e = entry(handle);
      await rename(e.temp, e.final);
      pending.delete(handle);
    },
    async discard(handle) {
      const e = pending.get(handle);
      pending.delete(handle);
      if (e !== undefined) await rm(e.temp, { force: true });
    },
  };

  function entry(handle: string) {
    const e = pending.get(handle);
    if (e === undefined) throw new Error('unknown download handle');
    return e;
  }
}

/** How long fdo.wget waits for the server to answer, and then for each next piece of the body. */
export const WGET_IDLE_TIMEOUT_MS = 30_000;

const httpScheme = (url: string) => {
  const scheme = new URL(url).protocol;
  return scheme === 'http:' || scheme === 'https:' ? undefined : scheme;
};

/**
 * fdo.wget's HTTP GET with the platform's fetch: http and https only (redirects too), no cookies or
 * credentials, given up when the server is silent for `idleMs`. The body streams to the module,
 * which limits its size and checks its SHA-384; a body the module will not read (a status other
 * than 200) is cancelled at once.
 */
export function httpFetch(log: (line: string) => void, idleMs = WGET_IDLE_TIMEOUT_MS): HttpFetch {
  return {
    async get(url): Promise<HttpResponse> {
      const refused = httpScheme(url);
      if (refused !== undefined) throw new Error(`the URL scheme ${refused} is not fetched`);
      log(`fetching ${url} for the owner (fdo.wget)`);
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const idle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => abort.abort(new Error(`the server was silent for ${idleMs} ms`)), idleMs);
        timer.unref();
      };
      idle();
      let response: Response;
      try {
        response = await fetch(url, { redirect: 'follow', credentials: 'omit', signal: abort.signal });
      } catch (e) {
        clearTimeout(timer);
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`cannot fetch: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
      }
      const body = response.body;
      const redirected = httpScheme(response.url || url);
      if (redirected !== undefined || response.status !== 200 || body === null) {
        clearTimeout(timer);
        await body?.cancel().catch(() => undefined);
        if (redirected !== undefined) throw new Error(`redirected to the URL scheme ${redirected}`);
        return { status: response.status, body: (async function* () {})() };
      }
      return {
        status: response.status,
        body: (async function* () {
          try {
            for await (const piece of body) {
              idle();
              yield piece;
            }
          } finally {
            clearTimeout(timer);
          }
        })(),
      };
    },
  };
}

/**
 * fdo.upload's files: with `dir`, a name the owner sends is read only when it is a regular file
 * inside that directory once links are resolved (a relative name is taken from the directory, an
 * absolute one must lie in it); without `dir` every upload is refused. A refusal is an error the
 * module sends back to the owner as `fdo.upload:error`.
 */
export function directorySource(dir: string | undefined, log: (line: string) => void): ByteSource {
  const where = async (name: string): Promise<string> => {
    if (dir === undefined) {
      log(`refused upload of ${name} to the owner (run with --allow-upload DIR to permit files from DIR)`);
      throw new Error('uploads are not allowed on this device');
    }
    if (name === '' || name.includes('\0')) throw new Error('not a file name');
    const root = await realpath(dir);
    let file: string;
    try {
      file = await realpath(isAbsolute(name) ? name : resolve(root, name));
    } catch {
      throw new Error('no such file in the upload directory');
    }
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      log(`refused upload of ${name}: outside ${dir}`);
      throw new Error('the file is outside the upload directory');
    }
    if (!(await stat(file)).isFile()) throw new Error('not a regular file');
    return file;
  };
  // Checked once per name: the module reads a file in many small blocks.
  const checked = new Map<string, string>();
  return {
    async size(name) {
      const file = await where(name);
      checked.set(name, file);
      log(`uploading ${file} to the owner (fdo.upload)`);
      return (await stat(file)).size;
    },
    async read(name, offset, length) {
      return readFileRange(checked.get(name) ?? (await where(name)), offset, length);
    },
  };
}

/** Runs owner-sent commands without a shell; refuses every one unless `allowed`. */
export function localExecutor(allowed: boolean, log: (line: string) => void): CommandExecutor {
  return {
    run(request: CommandRequest): Promise<CommandResult> {
      if (!allowed) {
        log(`refused command from the owner (run with --allow-commands to permit): ${request.command}`);
        return Promise.resolve({ exitCode: 126, stderr: new TextEncoder().encode('commands are not allowed on this device\n') });
      }
      log(`running command from the owner: ${[request.command, ...request.args].join(' ')}`);
      return new Promise((resolveRun) => {
        const child = spawn(request.command, request.args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        child.on('error', (e) => resolveRun({ exitCode: 127, stderr: new TextEncoder().encode(`${e.message}\n`) }));
        child.on('close', (code) =>
          resolveRun({
            exitCode: code ?? 1,
            ...(request.returnStdout ? { stdout: new Uint8Array(Buffer.concat(out)) } : {}),
            ...(request.returnStderr ? { stderr: new Uint8Array(Buffer.concat(err)) } : {}),
          }),
        );
      });
    },
  };
}

/** Keeps the owner's provision (management endpoint, credential, trust anchors) in a 0600 JSON file. */
export function fileManagementStore(file: string): ManagementStore & { load(): Promise<ManagementProvision | undefined> } {
  return {
    async save(p) {
      const json = {
        endpoint: p.endpoint,
        credential:
          p.credential.type === 'bearer'
            ? p.credential
            : { ...p.credential, certChain: p.credential.certChain.map((c) => Buffer.from(c).toString('base64')) },
        trustAnchors: p.trustAnchors.map((a) => Buffer.from(a).toString('hex')),
      };
      await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
    },
    async load() {
      try {
        const raw = JSON.parse(await readFile(file, 'utf8')) as Omit<ManagementProvision, 'trustAnchors' | 'credential'> & {
          trustAnchors?: unknown;
          credential: ManagementProvision['credential'] | (Omit<ManagementProvision['credential'], 'certChain'> & { certChain?: unknown });
        };
        // The file keeps bytes as text (save above): anchors in hex, a certificate chain in base64.
        const anchors = Array.isArray(raw.trustAnchors) ? raw.trustAnchors : [];
        const c = raw.credential as { type?: unknown; certChain?: unknown };
        const credential =
          c?.type !== 'bearer' && Array.isArray(c?.certChain)
            ? { ...raw.credential, certChain: c.certChain.map((x) => new Uint8Array(Buffer.from(String(x), 'base64'))) }
            : raw.credential;
        return {
          ...raw,
          credential: credential as ManagementProvision['credential'],
          trustAnchors: anchors.map((a) => new Uint8Array(Buffer.from(String(a), 'hex'))),
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

/** Writes a file readable by this user only (0600 whatever the umask), replacing any old one in one step. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/**
 * Makes a directory for private files: 0700 whatever the umask when this call creates it; a
 * directory that exists already (the working directory, say) keeps its mode.
 */
export async function mkdirPrivate(dir: string): Promise<void> {
  const made = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (made !== undefined) await chmod(dir, 0o700);
}
