/**
 * dnsmasq's `--dhcp-script` for intent-pipeline.test.ts, run in the gateway namespace: on `add` or
 * `old` with a DNSMASQ_MUD_URL, it fetches and verifies the MUD file over https, resolves its DNS
 * names through the gateway's dnsmasq, resolves and compiles the policy for the leased address and
 * applies it with `nft -f`, built from IoTopia's parts (fetchMud, resolveMud, compileNft). It
 * appends one JSON line per event to the output file. Arguments: config.json, then dnsmasq's.
 */
import { spawnSync } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { appendFileSync, readFileSync } from 'node:fs';
import { fetchMud } from '../../src/intent/mud-fetch.ts';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { MudFile } from '../../src/mud/model/mud-file.ts';

interface HookConfig {
  out: string;
  serverCa: string;
  signerAnchor: string;
  dnsServer: string;
  controllers: Record<string, string[]>;
}

const [configPath = '', action = '', mac = '', ip = ''] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8')) as HookConfig;
const url = process.env.DNSMASQ_MUD_URL;
const record = (o: object) => appendFileSync(config.out, `${JSON.stringify({ action, mac, ip, url, ...o })}\n`);

function dnsNames(file: MudFile): string[] {
  const names = new Set<string>();
  for (const ace of file.acls.flatMap((a) => a.aces)) {
    const m = ace.matches.ipv4 ?? ace.matches.ipv6;
    for (const n of [m?.srcDnsName, m?.dstDnsName]) if (n !== undefined) names.add(n);
  }
  return [...names];
}

async function enforce(mudUrl: string): Promise<void> {
  const fetched = await fetchMud(mudUrl, {
    serverCa: readFileSync(config.serverCa),
    signerTrustAnchors: [readFileSync(config.signerAnchor, 'utf8')],
  });
  const resolver = new dns.Resolver();
  resolver.setServers([config.dnsServer]);
  const names = new Map<string, string[]>();
  for (const n of dnsNames(fetched.mud)) names.set(n, await resolver.resolve4(n));
  const policy = resolveMud(fetched.mud, {
    mac,
    ipv4: ip,
    controllers: new Map(Object.entries(config.controllers)),
    myControllers: [],
    localNetworks: [],
    names,
  });
  const applied = spawnSync('nft', ['-f', '-'], { input: compileNft(policy, { dnsServers: [config.dnsServer] }), encoding: 'utf8' });
  if (applied.status !== 0) throw new Error(`nft -f: ${applied.stderr}`);
  record({ enforced: true, signer: fetched.entry.signer, names: Object.fromEntries(names) });
}

if ((action === 'add' || action === 'old') && url !== undefined) {
  enforce(url).catch((e: unknown) => {
    record({ error: e instanceof Error ? `${(e as { code?: string }).code ?? ''} ${e.message}` : String(e) });
  });
} else {
  record({ ignored: true });
}
