import { spawnSync } from 'node:child_process';

const checked = new Map<string, string | undefined>();

/**
 * Whether `python3` with the given modules is available. Returns undefined when it is, or the
 * reason it is not, for the test to report as its skip message.
 */
export function pythonMissing(modules: string[]): string | undefined {
  const key = modules.join(',');
  if (!checked.has(key)) {
    const r = spawnSync('python3', ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
    const fix = 'install them with `python3 -m pip install -r test/python-requirements.txt`';
    checked.set(
      key,
      r.error
        ? `python3 not found (${r.error.message}); ${fix}`
        : r.status !== 0
          ? `python3 with ${modules.join(', ')} not available (${r.stderr.trim().split('\n').pop()}); ${fix}`
          : undefined,
    );
  }
  return checked.get(key);
}

/** Runs a Python script with a JSON request on standard input and parses its JSON answer. */
export function runPythonJson<T>(script: string, request: unknown): T {
  const r = spawnSync('python3', [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
