/**
 * The device agent's ServiceInfo ports on the local machine: downloads land in one directory
 * (names may not leave it), commands run only when the operator allowed them, and what the owner
 * provisions is kept in a file readable by this user only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type {
  ByteSink,
  CommandExecutor,
  CommandRequest,
  CommandResult,
  ManagementProvision,
  ManagementStore,
} from '../fdo/serviceinfo/ports.ts';

/** A sink writing each file to `<dir>/<name>` through a temporary file renamed on commit. */
export function directorySink(dir: string): ByteSink {
  const pending = new Map<string, { temp: string; final: string }>();
  return {
    async create(name) {
      const safe = basename(name);
      if (safe === '' || safe === '.' || safe === '..' || safe !== name)
        throw new Error(`download name "${name}" is not a plain file name`);
      await mkdir(dir, { recursive: true });
      const handle = randomBytes(8).toString('hex');
      const temp = join(dir, `.${safe}.${handle}.part`);
      await writeFile(temp, new Uint8Array(0), { mode: 0o600 });
      pending.set(handle, { temp, final: join(dir, safe) });
      return handle;
    },
    async append(handle, bytes) {
      const f = await open(entry(handle).temp, 'a');
      try {
        await f.write(bytes);
      } finally {
        await f.close();
      }
    },
    async read(handle, offset, length) {
      const f = await open(entry(handle).temp, 'r');
      try {
        const out = new Uint8Array(length);
        const { bytesRead } = await f.read(out, 0, length, offset);
        return out.subarray(0, bytesRead);
      } finally {
        await f.close();
      }
    },
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
        return JSON.parse(await readFile(file, 'utf8')) as ManagementProvision;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

/** Writes a file readable by this user only, replacing any old one in one step. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, file);
}
