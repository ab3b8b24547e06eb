/** Where a Chromium to print reports with is: CHROMIUM_PATH, else Debian's package locations. */
import { accessSync, constants, statSync } from 'node:fs';
import { ReportError } from './errors.ts';

/** Debian's chromium package installs /usr/bin/chromium; older packaging and other distributions use chromium-browser. */
export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return requireExecutable(fromEnv, 'CHROMIUM_PATH');
  const found = CHROMIUM_CANDIDATES.find(isExecutableFile);
  if (found !== undefined) return found;
  throw noBrowser(`no Chromium at ${CHROMIUM_CANDIDATES.join(' or ')}`);
}

/** The given path when it is an executable file, else ERR_REPORT_NO_BROWSER naming where it looked. */
export function requireExecutable(path: string, what = 'executablePath'): string {
  if (!isExecutableFile(path)) throw noBrowser(`${what} ${JSON.stringify(path)} is not an executable file`);
  return path;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function noBrowser(why: string): ReportError {
  return new ReportError('ERR_REPORT_NO_BROWSER', `cannot print the report to PDF: ${why}; install Debian's chromium or set CHROMIUM_PATH`);
}
