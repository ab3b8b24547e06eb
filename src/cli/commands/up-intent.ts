/** The MUD manager options of `iotopia up` (role `intent`, docs/intent.md), as one group of its help. */
import type { Command } from 'commander';
import type { RawSettings } from '../../server/platform/config.ts';
import { type CliContext, pathIn } from '../context.ts';

export interface IntentOptions {
  intentGateway?: string;
  intentMudServerCa?: string;
  intentMudSignerCa?: string;
  intentUnsigned?: string;
  intentLenient?: boolean;
  intentControllers?: string;
  intentMyControllers?: string;
  intentBasics?: string;
  intentQuarantinePolicy?: string;
  intentLocalNetworks?: string;
  intentDnsServers?: string;
  intentResolver?: string;
  intentNeverGood?: string;
  intentQuarantineThreshold?: string;
  intentTickInterval?: string;
  intentNetns?: string;
  intentCaptureInterface?: string;
  intentDeviceInterface?: string[];
}

export function withIntentOptions(cmd: Command): Command {
  return cmd
    .optionsGroup(
      'MUD manager (role intent: opt-in, never a default role, since it programs this host’s nftables; e.g. --roles owner,mud,intent):',
    )
    .option(
      '--intent-gateway <name>',
      'the gateway this server programs; replicas with the same name share one lease (default: the host name)',
    )
    .option('--intent-mud-server-ca <file>', 'PEM CAs trusted for MUD servers’ TLS certificates (default: the system’s roots)')
    .option('--intent-mud-signer-ca <file>', 'PEM trust anchors of MUD file signers (RFC 8520 §13); without it no signature verifies')
    .option('--intent-unsigned <policy>', 'an unsigned MUD file: refuse (default) or warn (accept it with a warning)')
    .option(
      '--intent-lenient',
      'read fetched MUD files leniently: unambiguous real-world shorthands accepted, each with a warning in the log',
    )
    .option('--intent-controllers <list>', 'comma-separated URI=ADDR: the addresses of each controller class (RFC 8520 §8.4)')
    .option(
      '--intent-my-controllers <list>',
      'comma-separated MUDURL=ADDR: the my-controller addresses of the devices with that MUD URL (§8.5)',
    )
    .option('--intent-basics <bool>', 'allow every device the network basics: IPv6 ND/RA, DHCP, DNS to --intent-dns-servers (default true)')
    .option('--intent-local-networks <list>', 'comma-separated prefixes the local-networks abstraction stands for')
    .option('--intent-dns-servers <list>', 'comma-separated resolvers devices may query (allowed with the network basics)')
    .option('--intent-resolver <list>', 'ADDR[:PORT] list the manager resolves MUD files’ DNS names with (default: the system’s)')
    .option('--intent-never-good <mode>', 'a device that never had a good MUD file: deny (default: the network basics only) or allow')
    .option('--intent-quarantine-threshold <n>', 'violations that quarantine a device (default 10; 0: never automatically)')
    .option('--intent-quarantine-policy <p>', 'quarantine of a file without its own policy: basics (default) or block (nothing at all)')
    .option('--intent-tick-interval <s>', 'seconds between refetch/re-resolve passes and lease renewals (default 10)')
    .option('--intent-netns <name>', 'program the nftables of this network namespace (ip netns) instead of the host’s')
    .option(
      '--intent-capture-interface <iface>',
      "watch the devices' traffic on this gateway interface (tcpdump) and report violations; none by default",
    )
    .option(
      '--intent-device-interface <iface>',
      'a gateway interface the managed devices sit behind (repeat): unsolicited inbound out of it to an address no device was given is dropped (default: the capture interface)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .optionsGroup('Options:');
}

export function intentFlags(cli: CliContext, opts: IntentOptions): RawSettings {
  const path = (v: string | undefined) => (v === undefined ? undefined : pathIn(cli, v));
  return {
    intentGateway: opts.intentGateway,
    intentMudServerCa: path(opts.intentMudServerCa),
    intentMudSignerCa: path(opts.intentMudSignerCa),
    intentUnsigned: opts.intentUnsigned,
    intentLenient: opts.intentLenient,
    intentControllers: opts.intentControllers,
    intentMyControllers: opts.intentMyControllers,
    intentBasics: opts.intentBasics,
    intentQuarantinePolicy: opts.intentQuarantinePolicy,
    intentLocalNetworks: opts.intentLocalNetworks,
    intentDnsServers: opts.intentDnsServers,
    intentResolver: opts.intentResolver,
    intentNeverGood: opts.intentNeverGood,
    intentQuarantineThreshold: opts.intentQuarantineThreshold,
    intentTickInterval: opts.intentTickInterval,
    intentNetns: opts.intentNetns,
    intentCaptureInterface: opts.intentCaptureInterface,
    intentDeviceInterface: opts.intentDeviceInterface?.join(','),
  };
}
