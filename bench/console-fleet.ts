/**
 * The console's fleet page at `--devices N` devices (default 100,000): a fresh `iotopia up` (SQLite,
 * one worker), its store filled straight in the file (bench/console-fleet-seed.ts: the setup, not
 * an API path), then
 * (a) the time for one page of the table (`GET /api/v1/devices?limit=50`, p50/p95 over
 *     `--requests R`, default 200) in the default order, sorted, filtered, searched and three pages
 *     deep, beside a bare route (`GET /api/v1/me`, same authentication) as the floor of the run;
 *     each with SQLite's plan and time for its query alone;
 * (b) the time to interactive of /fleet in headless Chromium (`--loads L`, default 5): navigation
 *     start to the table's rows visible, after one log-in.
 * Chromium is Debian's (/usr/bin/chromium, playwright-core); without it or without web/dist, (b)
 * reports why it was skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely } from 'kysely';
import { chromium } from 'playwright-core';
import { findChromium } from '../src/compliance/reports/find-chromium.ts';
import type { DeviceListRequest } from '../src/store/device-repository.ts';
import type { Database } from '../src/store/schema.ts';
import { deviceListQuery, listOrder } from '../src/store/sql/device-list.ts';
import { createSqliteDialect } from '../src/store/sqlite/dialect.ts';
import { seedFleet } from './console-fleet-seed.ts';

const BIN = new URL('../bin/iotopia.js', import.meta.url).pathname;
const BUILT = new URL('../web/dist/index.html', import.meta.url).pathname;
const PAGE = 50;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a positive integer`);
  return v;
}

interface Server {
  url: string;
  token: string;
  child: ChildProcess;
}

async function startServer(dataDir: string): Promise<Server> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--workers', '1', '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const token = /admin API token[^:]*: (\S+)/.exec(out)?.[1];
    if (token !== undefined) {
      // The token is printed before the listener is up: wait for an answer.
      while ((await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined))?.ok !== true) {
        if (Date.now() > deadline) throw new Error(`iotopia up did not answer:\n${out}`);
        await sleep(100);
      }
      return { url, token, child };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`iotopia up did not start:\n${out}`);
    await sleep(100);
  }
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

interface Spread {
  p50: number;
  p95: number;
}

function spread(ms: number[]): Spread {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100) / 100;
  return { p50: at(0.5), p95: at(0.95) };
}

interface Case {
  name: string;
  query: DeviceListRequest;
  /** Pages to follow before the timed one. */
  deep?: number;
}

const params = (q: DeviceListRequest, cursor?: string): string => {
  const out = new URLSearchParams({ limit: String(PAGE) });
  for (const [k, v] of Object.entries(q)) out.set(k, String(v));
  if (cursor !== undefined) out.set('cursor', cursor);
  return out.toString();
};

/**
 * A GET with the token; asked once more when the connection was closed under it (the server closes
 * a keep-alive connection idle for 5 s, and a request may race that close).
 */
async function get(s: Server, path: string): Promise<Response> {
  const init = { headers: { authorization: `Bearer ${s.token}` } };
  try {
    return await fetch(`${s.url}${path}`, init);
  } catch {
    return fetch(`${s.url}${path}`, init);
  }
}

async function timeRoute(s: Server, path: string, requests: number): Promise<Spread & { items?: number }> {
  const ms: number[] = [];
  let items: number | undefined;
  for (let i = 0; i < requests + 5; i++) {
    const t = performance.now();
    const r = await get(s, path);
    const body = (await r.json()) as { items?: unknown[] };
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
    if (i >= 5) ms.push(performance.now() - t);
    items = body.items?.length;
  }
  return { ...spread(ms), ...(items === undefined ? {} : { items }) };
}

async function cursorAt(s: Server, c: Case): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let i = 0; i < (c.deep ?? 0); i++) {
    const r = await get(s, `/api/v1/devices?${params(c.query, cursor)}`);
    cursor = ((await r.json()) as { next?: string }).next;
  }
  return cursor;
}

/** SQLite's plan for the case's query and its time alone (p50 of 50 runs), on the server's file. */
async function queryAlone(path: string, c: Case): Promise<{ plan: string[]; queryMs: number }> {
  const k = new Kysely<Database>({ dialect: createSqliteDialect(path) });
  const compiled = deviceListQuery(k, c.query, listOrder(c.query.sort), PAGE).compile();
  await k.destroy();
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const args = compiled.parameters as (string | number)[];
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    const stmt = db.prepare(compiled.sql);
    const ms: number[] = [];
    for (let i = 0; i < 55; i++) {
      const t = performance.now();
      stmt.all(...args);
      if (i >= 5) ms.push(performance.now() - t);
    }
    return { plan, queryMs: spread(ms).p50 };
  } finally {
    db.close();
  }
}

async function timeToInteractive(s: Server, loads: number, rows: number): Promise<Record<string, unknown>> {
  try {
    readFileSync(BUILT);
  } catch {
    return { skipped: 'the console is not built (npm run build:web)' };
  }
  let executablePath: string;
  try {
    executablePath = findChromium();
  } catch (e) {
    return { skipped: `no Chromium: ${(e as Error).message}` };
  }
  const browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(s.url);
    await page.getByLabel('API token').fill(s.token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('table.fleet tbody tr').first().waitFor();
    const ms: number[] = [];
    for (let i = 0; i < loads + 1; i++) {
      await page.goto(`${s.url}/fleet`);
      await page
        .locator('table.fleet tbody tr')
        .nth(rows - 1)
        .waitFor({ state: 'visible' });
      // Milliseconds since this document's navigation started, read in the page.
      const at = await page.evaluate(() => performance.now());
      if (i > 0) ms.push(at);
    }
    return { loads, rows, ...spread(ms), min: Math.round(Math.min(...ms)) };
  } finally {
    await browser.close();
  }
}

export async function consoleFleetBench(args: readonly string[]): Promise<Record<string, unknown>> {
  const devices = option(args, '--devices', Number(process.env['BENCH_CONSOLE_DEVICES'] ?? 100_000));
  const requests = option(args, '--requests', Number(process.env['BENCH_CONSOLE_REQUESTS'] ?? 200));
  const loads = option(args, '--loads', Number(process.env['BENCH_CONSOLE_LOADS'] ?? 5));
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-bench-console-'));
  const server = await startServer(dataDir);
  try {
    const file = join(dataDir, 'iotopia.db');
    const fleet = seedFleet(file, devices);
    const prefix = fleet.sampleGuid.slice(0, 4);
    const cases: Case[] = [
      { name: 'default order (GUID)', query: {} },
      { name: 'sort=-lastSeen', query: { sort: '-lastSeen' } },
      { name: 'sort=model', query: { sort: 'model' } },
      { name: 'sort=-firmware', query: { sort: '-firmware' } },
      { name: 'state=active&sort=-lastSeen', query: { state: 'active', sort: '-lastSeen' } },
      { name: 'intent=quarantined', query: { intent: 'quarantined' } },
      { name: `q=${prefix} (GUID start)`, query: { q: prefix } },
      { name: 'q=thermo (part of a model)', query: { q: 'thermo' } },
      { name: 'sort=-lastSeen, 4th page', query: { sort: '-lastSeen' }, deep: 3 },
    ];
    const floor = await timeRoute(server, '/api/v1/me', requests);
    const timed = [];
    for (const c of cases) {
      const cursor = await cursorAt(server, c);
      timed.push({ c, cursor, ...(await timeRoute(server, `/api/v1/devices?${params(c.query, cursor)}`, requests)) });
    }
    // Each query alone on the file, once every request is timed: no HTTP connection waits meanwhile.
    const pages = [];
    for (const { c, cursor, ...t } of timed) {
      const query = { ...c.query, ...(cursor === undefined ? {} : { after: cursor }) };
      pages.push({ name: c.name, ...t, ...(await queryAlone(file, { ...c, query })) });
    }
    const db = new DatabaseSync(file, { readOnly: true });
    const t = performance.now();
    db.prepare('SELECT count(*) AS n FROM devices').get();
    const countMs = Math.round((performance.now() - t) * 100) / 100;
    db.close();
    return {
      devices,
      setup: `${devices} devices written straight into the SQLite file in ${fleet.seedMs} ms (benchmark setup, not an API path)`,
      pageSize: PAGE,
      requests,
      unit: 'ms, round trip on loopback from this process (server time plus the loopback HTTP floor)',
      floor: { name: 'GET /api/v1/me', ...floor },
      pages,
      countAllMs: countMs,
      timeToInteractive: await timeToInteractive(server, loads, Math.min(PAGE, devices)),
    };
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
