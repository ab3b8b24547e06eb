/**
 * `iotopia probe --address A --mud FILE`: an open-port probe of a test device against its MUD file
 * (docs/compliance.md, "Open-port probe"). Offline apart from the scan itself: the MUD file is read
 * from disk and, with --signature, verified as `iotopia mud verify` does. Exit 1 when an open port is
 * one the MUD file does not allow (or the file or its signature fails), 2 on usage errors.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ProbeError } from '../../compliance/probe/errors.ts';
import { probeAgainstMud } from '../../compliance/probe/probe-against-mud.ts';
import type { PortProbeResult } from '../../compliance/probe/probe-types.ts';
import {
  type PortRangeSpec,
  SCAN_CONCURRENCY_DEFAULT,
  SCAN_TIMEOUT_DEFAULT_MS,
  type ScanProgress,
} from '../../compliance/probe/tcp-scan.ts';
import { type VerifyMudSignatureOptions, verifyMudSignature } from '../../mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../mud/signature/errors.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import type { CliOutput } from '../output.ts';
import { readCertificates } from './mud-sign.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

interface Options extends ApiOptions {
  /** Record the result as evidence of this product on the server. */
  record?: string;
  address: string;
  mud: string;
  ports: string;
  concurrency: string;
  timeout: string;
  signature?: string;
  ca?: string;
  /** commander turns --no-chain into chain: false. */
  chain?: boolean;
  lenient?: boolean;
  json?: boolean;
}

/** `FROM-TO` or one port, as given to --ports; the scanner checks the bounds. */
export function parsePortRange(text: string): PortRangeSpec {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (m === null) throw new CliExit(EXIT_USAGE, `--ports: ${JSON.stringify(text)} is not FROM-TO or a port`);
  const from = Number(m[1]);
  return { from, to: m[2] === undefined ? from : Number(m[2]) };
}

function whole(option: string, text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new CliExit(EXIT_USAGE, `${option}: ${JSON.stringify(text)} is not a whole number`);
  return Number(text);
}

async function verifySignature(cli: CliContext, content: Uint8Array, o: Options): Promise<string> {
  const checkChain = o.chain !== false;
  if (checkChain && o.ca === undefined)
    throw new CliExit(EXIT_USAGE, '--signature needs --ca (or --no-chain to check only the digest and signature)');
  const options: VerifyMudSignatureOptions = { checkChain };
  if (o.ca !== undefined) options.trustAnchors = await readCertificates(cli, o.ca, '--ca', false, 1000);
  const signature = await readInput(cli, o.signature);
  try {
    return verifyMudSignature(content, signature, options).signer;
  } catch (e) {
    if (!(e instanceof MudSignatureError)) throw e;
    throw new CliExit(EXIT_CHECK_FAILED, `${o.mud}: ${e.check} check of the MUD signature failed: ${e.message} [${e.code}]`);
  }
}

function progressReporter(output: CliOutput): { update: (p: ScanProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  if (output.stderr.isTTY) {
    bar = new cliProgress.SingleBar(
      {
        format: 'probe [{bar}] {value}/{total} ports | open {open} | {eta_formatted}',
        // On a terminal this is the process's own stderr stream: the bar moves the cursor on it.
        stream: output.stderr as NodeJS.WritableStream,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        if (!started) bar?.start(p.total, 0, { open: 0 });
        started = true;
        bar?.update(p.done, { open: p.open });
      },
      stop: () => bar?.stop(),
    };
  }
  let last: ScanProgress | undefined;
  const timer = setInterval(() => {
    if (last !== undefined) output.err(`probe: ${last.done}/${last.total} ports, ${last.open} open\n`);
  }, 5000);
  timer.unref();
  return {
    update: (p) => {
      last = p;
    },
    stop: () => clearInterval(timer),
  };
}

function lines(r: PortProbeResult, signer: string | undefined, text: (s: string) => string): string[] {
  const list = (ports: number[]) => (ports.length === 0 ? 'none' : ports.join(', '));
  const out = [
    `probe of ${r.address} tcp ${r.ports.from}-${r.ports.to} against ${text(r.mudUrl)}${signer === undefined ? '' : ` (signed by ${text(signer)})`}`,
    `open: ${list(r.open)} (closed ${r.closed ?? '?'}, filtered ${r.filtered ?? '?'})`,
    `allowed by the MUD file: ${list(r.allowed)}`,
    `unexpected: ${list(r.unexpected)}`,
  ];
  const scanned = r.ports.to - r.ports.from + 1;
  if (r.filtered === scanned)
    out.push('warning: no port answered; a firewall between this host and the device may hide its ports, so this result shows nothing');
  return out;
}

/** Keeps the result as the product's open-port evidence on the server (`POST /products/{model}/probes`). */
async function record(cli: CliContext, o: Options, r: PortProbeResult): Promise<void> {
  const model = o.record as string;
  const res = await apiRequest(apiTarget(o, cli.env), 'POST', `/products/${encodeURIComponent(model)}/probes`, {
    data: JSON.stringify(r),
    type: 'application/json',
  });
  const kept = (await res.json()) as { id: string };
  cli.output.err(`probe recorded as evidence of ${cli.output.text(model)}: ${cli.output.text(kept.id)}\n`);
}

export function registerProbe(program: Command, cli: CliContext): void {
  withApiOptions(program.command('probe'))
    .description(
      'open-port probe of a test device (EN 303 645 5.6): connect to each TCP port and compare the open ones with what its MUD file lets peers reach',
    )
    .requiredOption('--address <ip>', "the device's IPv4 or IPv6 address (a literal: host names are not probed)")
    .requiredOption('--mud <file>', "the device's MUD file (JSON)")
    .option('--ports <range>', 'TCP ports to scan: FROM-TO or one port', '1-65535')
    .option('--concurrency <n>', 'connection attempts at once (1..1024)', String(SCAN_CONCURRENCY_DEFAULT))
    .option('--timeout <ms>', 'milliseconds before an unanswered port counts as filtered (1..60000)', String(SCAN_TIMEOUT_DEFAULT_MS))
    .option('--signature <p7s>', "verify the MUD file's signature (DER CMS) before probing")
    .option('--ca <pem>', 'trust anchors for --signature (PEM bundle)')
    .option('--no-chain', 'with --signature: check only the digest and signature, not the certificate path')
    .option('--lenient', 'read a MUD file in the pre-RFC shape or with tool shorthands (see `iotopia mud validate --lenient`)')
    .option('--record <model>', "record the result on the server as the product's open-port evidence (needs --server and --token)")
    .option('--json', 'machine output')
    .exitOverride()
    .action(async (o: Options) => {
      const ports = parsePortRange(o.ports);
      const concurrency = whole('--concurrency', o.concurrency);
      const timeoutMs = whole('--timeout', o.timeout);
      const content = await readInput(cli, o.mud);
      const signer = o.signature === undefined ? undefined : await verifySignature(cli, content, o);
      const stop = new AbortController();
      void cli.stopRequested().then((signal) => stop.abort(new CliExit(EXIT_CHECK_FAILED, `probe stopped by ${signal}`)));
      const reporter = progressReporter(cli.output);
      let r: PortProbeResult;
      try {
        r = await probeAgainstMud({
          address: o.address,
          mud: content,
          ports,
          concurrency,
          timeoutMs,
          lenient: o.lenient === true,
          signal: stop.signal,
          onProgress: reporter.update,
        });
      } catch (e) {
        if (!(e instanceof ProbeError)) throw e;
        const usage = e.code === 'ERR_PROBE_ADDRESS' || e.code === 'ERR_PROBE_PORTS' || e.code === 'ERR_PROBE_OPTION';
        const details = e.details.map((d) => `\n  ${cli.output.text(d)}`).join('');
        throw new CliExit(usage ? EXIT_USAGE : EXIT_CHECK_FAILED, `${cli.output.text(e.message)} [${e.code}]${details}`);
      } finally {
        reporter.stop();
      }
      cli.output.result({ ...r, ...(signer !== undefined && { signer }) }, () => lines(r, signer, cli.output.text), { indent: 2 });
      if (o.record !== undefined) await record(cli, o, r);
      if (r.unexpected.length > 0)
        throw new CliExit(EXIT_CHECK_FAILED, `${r.unexpected.length} open port(s) the MUD file does not allow: ${r.unexpected.join(', ')}`);
    });
}
