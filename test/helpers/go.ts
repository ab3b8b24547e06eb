/** Building the small Go programs of the go-fdo interop tests, or saying why they are skipped. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cache = join(tmpdir(), 'iotopia-go-cache');

/** The environment Go runs in: module and build caches shared by every run, unless set already. */
export const GO_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GOMODCACHE: process.env.GOMODCACHE ?? join(cache, 'mod'),
  GOCACHE: process.env.GOCACHE ?? join(cache, 'build'),
  GOPATH: process.env.GOPATH ?? join(cache, 'path'),
  GOFLAGS: '-mod=readonly',
};

export interface GoBuild {
  /** `go build` of the folder `src` into `bin`. */
  src: string;
  bin: string;
  /** Names the tests in a skip message, e.g. "go-fdo interop". */
  tests: string;
  /** Names the program in a build failure, e.g. "the interop program". */
  program: string;
}

/**
 * Builds the program; returns the binary, or the reason to skip when Go is missing or go-fdo
 * cannot be fetched. Any other build failure throws: it is a bug here.
 */
export function buildGoProgram(b: GoBuild): { bin?: string; skip?: string } {
  const go = ['go', '/usr/local/go/bin/go'].find((c) => spawnSync(c, ['version']).status === 0);
  if (go === undefined) return { skip: `Go is not installed (looked for go on PATH and /usr/local/go/bin/go): ${b.tests} skipped` };
  mkdirSync(cache, { recursive: true });
  const r = spawnSync(go, ['build', '-o', b.bin, '.'], { cwd: b.src, env: GO_ENV, encoding: 'utf8', timeout: 480_000 });
  if (r.status === 0 && existsSync(b.bin)) return { bin: b.bin };
  const out = `${r.stderr ?? ''}${r.stdout ?? ''}${r.error?.message ?? ''}`;
  if (/proxy\.golang\.org|dial tcp|no such host|Forbidden|timeout|ETIMEDOUT|reading https?:/i.test(out)) {
    return { skip: `go-fdo could not be downloaded from the Go module proxy: ${b.tests} skipped (${out.trim().split('\n')[0]})` };
  }
  throw new Error(`go build of ${b.program} failed:\n${out}`);
}
