/**
 * The limit settings of `iotopia up`: defaults, every source, refusals that name the setting, the
 * flags, and a DI flood against a platform started with a low limit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { ConfigError, resolveConfig, settingsFromEnv, settingsFromFile } from '../../../src/server/platform/config.ts';
import { DEFAULT_LIMITS } from '../../../src/server/platform/limits-config.ts';
import { runCli } from '../../helpers/cli.ts';
import { startTestPlatform } from '../../helpers/platform.ts';
import { diDevice } from '../world.ts';

test('defaults: 120 starts per peer and 6000 per protocol a minute, 600 API requests per token, 10 failed logins, 10000 sessions, no proxy', () => {
  const c = resolveConfig(['test', {}]);
  assert.deepEqual(c.limits, {
    fdoStartPerPeer: 120,
    fdoStartGlobal: 6000,
    apiPerClient: 600,
    failedLoginsPerPeer: 10,
    maxSessions: 10_000,
    trustProxy: [],
  });
  assert.deepEqual(c.limits, { ...DEFAULT_LIMITS });
});

test('each limit comes from a file, the environment or a flag, the later source winning; 0 turns one off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-limits-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ rateLimitFdoStart: 30, maxSessions: 50, trustProxy: '10.0.0.0/8, ::1' }));
  const env = settingsFromEnv({ IOTOPIA_RATE_LIMIT_API: '0', IOTOPIA_RATE_LIMIT_FAILED_LOGINS: '5', IOTOPIA_MAX_SESSIONS: '60' });
  const c = resolveConfig(
    ['config file', settingsFromFile(file)],
    ['environment', env],
    ['command line', { rateLimitFdoStartGlobal: '900' }],
  );
  assert.deepEqual(c.limits, {
    fdoStartPerPeer: 30,
    fdoStartGlobal: 900,
    apiPerClient: 0,
    failedLoginsPerPeer: 5,
    maxSessions: 60,
    trustProxy: ['10.0.0.0/8', '::1'],
  });
});

test('a bad limit is refused naming the setting and its source', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ rateLimitFdoStart: 'many' }, /^rate-limit-fdo-start \(from command line\): a whole number from 0/],
    [{ rateLimitApi: '-1' }, /^rate-limit-api \(from command line\)/],
    [{ rateLimitFailedLogins: '2.5' }, /^rate-limit-failed-logins \(from command line\)/],
    [{ maxSessions: '99999999999' }, /^max-sessions \(from command line\)/],
    [{ rateLimitFdoStartGlobal: '' }, /^rate-limit-fdo-start-global/],
    [{ trustProxy: 'proxy.example' }, /^trust-proxy \(from command line\): "proxy.example" is not an IP address or CIDR range/],
    [{ trustProxy: '10.0.0.0/33' }, /^trust-proxy/],
  ];
  for (const [settings, message] of cases) {
    assert.throws(
      () => resolveConfig(['command line', settings]),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(settings),
    );
  }
});

test('iotopia up: a bad limit flag is a usage error (exit 2) naming the flag; --help lists the limits group', async () => {
  const bad = await runCli(['up', '--max-sessions', 'lots'], process.cwd(), process.env);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /max-sessions \(from command line\)/);
  const help = await runCli(['up', '--help'], process.cwd(), process.env);
  for (const flag of [
    '--rate-limit-fdo-start <n>',
    '--rate-limit-fdo-start-global <n>',
    '--rate-limit-api <n>',
    '--rate-limit-failed-logins <n>',
    '--max-sessions <n>',
    '--trust-proxy <list>',
  ]) {
    assert.ok(help.out.includes(flag), flag);
  }
});

test('a platform started with --rate-limit-fdo-start 2: a third DI start from one address is a 429, another address and the health check are served', async () => {
  const t = await startTestPlatform('iotopia-limits-di-', { rateLimitFdoStart: '2' });
  try {
    const config = await diDevice();
    const start = (remoteAddress: string) => {
      const first = createDiDevice(config).start();
      if (first.request === undefined) throw new Error('no request');
      return t.platform.app.inject({
        method: 'POST',
        url: `/fdo/101/msg/${MsgType.DI_AppStart}`,
        headers: { 'content-type': 'application/cbor' },
        payload: Buffer.from(first.request.body),
        remoteAddress,
      });
    };
    // Whatever the manufacturer role answers a stranger, the first two are not counted out.
    for (let i = 0; i < 2; i++) assert.notEqual((await start('192.0.2.40')).statusCode, 429);
    const flooded = await start('192.0.2.40');
    assert.equal(flooded.statusCode, 429);
    assert.equal(flooded.headers['message-type'], '255');
    assert.ok(Number(flooded.headers['retry-after']) >= 1);
    assert.notEqual((await start('198.51.100.40')).statusCode, 429);
    const health = await t.platform.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.40' });
    assert.equal(health.statusCode, 200);
    // The refusal is load, not a fault: counted apart from protocol errors and failed onboardings.
    const metrics = (await t.platform.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^iotopia_fdo_refused_starts_total\{msg_type="10",reason="rate_limit"\} 1$/m);
    assert.doesNotMatch(metrics, /^iotopia_fdo_protocol_errors_total\{code="500"\}/m);
  } finally {
    await t.close();
  }
});
