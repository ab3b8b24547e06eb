/**
 * The typed model written back as RFC 7951 JSON in the RFC shape: what lenient reading accepted
 * becomes a file that strict reading accepts. Members IoTopia keeps without modelling (unknown
 * extensions, unmodelled members of TLS profiles and `ol`) are written as they were read;
 * unmodelled members inside `transparency` and the quarantine policy are not kept.
 */
import type { Ace, IpMatchCommon, Matches, PortMatch } from './acl.ts';
import { ACLS_MEMBER, MUD_MEMBER } from './constants.ts';
import type { TlsDtlsProfile } from './extensions.ts';
import type { MudFile, Policy } from './mud-file.ts';

type Obj = Record<string, unknown>;

/** Copies the defined values of `pairs` into a new object, in order. */
function defined(pairs: [string, unknown][]): Obj {
  const o: Obj = {};
  for (const [k, v] of pairs) if (v !== undefined) o[k] = v;
  return o;
}

const policy = (p: Policy): Obj => ({ 'access-lists': { 'access-list': p.aclNames.map((name) => ({ name })) } });
const port = (p: PortMatch): Obj =>
  p.kind === 'range' ? { 'lower-port': p.lower, 'upper-port': p.upper } : { operator: p.operator, port: p.port };
const empty = (b: true | undefined): [null] | undefined => (b === true ? [null] : undefined);
const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length === 0 ? undefined : list);

function ipCommon(ip: IpMatchCommon): [string, unknown][] {
  return [
    ['dscp', ip.dscp],
    ['ecn', ip.ecn],
    ['length', ip.length],
    ['ttl', ip.ttl],
    ['protocol', ip.protocol],
    ['ietf-acldns:src-dnsname', ip.srcDnsName],
    ['ietf-acldns:dst-dnsname', ip.dstDnsName],
  ];
}

function profile(p: TlsDtlsProfile): Obj {
  return {
    ...defined([
      ['name', p.name],
      ['supported-tls-version', nonEmpty(p.supportedTlsVersions)],
      ['supported-dtls-version', nonEmpty(p.supportedDtlsVersions)],
      ['cipher-suite', nonEmpty(p.cipherSuites)],
      ['extension-type', nonEmpty(p.extensionTypes)],
      ['accept-list-ta-cert', nonEmpty(p.acceptListTaCerts)],
      ['psk-key-exchange-mode', nonEmpty(p.pskKeyExchangeModes)],
      ['supported-group', nonEmpty(p.supportedGroups)],
      ['signature-algorithm-cert', nonEmpty(p.signatureAlgorithmsCert)],
      ['signature-algorithm', nonEmpty(p.signatureAlgorithms)],
      ['application-protocol', nonEmpty(p.applicationProtocols)],
      ['cert-compression-algorithm', nonEmpty(p.certCompressionAlgorithms)],
      ['certificate-authorities', nonEmpty(p.certificateAuthorities)],
    ]),
    ...p.other,
  };
}

function matches(m: Matches): Obj {
  const l4ports = (l4: { sourcePort?: PortMatch; destinationPort?: PortMatch }): [string, unknown][] => [
    ['source-port', l4.sourcePort === undefined ? undefined : port(l4.sourcePort)],
    ['destination-port', l4.destinationPort === undefined ? undefined : port(l4.destinationPort)],
  ];
  return defined([
    [
      'ietf-mud:mud',
      m.mud === undefined
        ? undefined
        : defined([
            ['manufacturer', m.mud.manufacturer],
            ['same-manufacturer', empty(m.mud.sameManufacturer)],
            ['model', m.mud.model],
            ['local-networks', empty(m.mud.localNetworks)],
            ['controller', m.mud.controller],
            ['my-controller', empty(m.mud.myController)],
          ]),
    ],
    [
      'eth',
      m.eth === undefined
        ? undefined
        : defined([
            ['destination-mac-address', m.eth.destinationMac],
            ['destination-mac-address-mask', m.eth.destinationMacMask],
            ['source-mac-address', m.eth.sourceMac],
            ['source-mac-address-mask', m.eth.sourceMacMask],
            ['ethertype', m.eth.ethertype],
          ]),
    ],
    [
      'ipv4',
      m.ipv4 === undefined
        ? undefined
        : defined([
            ...ipCommon(m.ipv4),
            ['ihl', m.ipv4.ihl],
            ['flags', m.ipv4.flags?.join(' ')],
            ['offset', m.ipv4.offset],
            ['identification', m.ipv4.identification],
            ['source-ipv4-network', m.ipv4.sourceNetwork],
            ['destination-ipv4-network', m.ipv4.destinationNetwork],
          ]),
    ],
    [
      'ipv6',
      m.ipv6 === undefined
        ? undefined
        : defined([
            ...ipCommon(m.ipv6),
            ['flow-label', m.ipv6.flowLabel],
            ['source-ipv6-network', m.ipv6.sourceNetwork],
            ['destination-ipv6-network', m.ipv6.destinationNetwork],
          ]),
    ],
    [
      'tcp',
      m.tcp === undefined
        ? undefined
        : defined([
            ['sequence-number', m.tcp.sequenceNumber],
            ['acknowledgement-number', m.tcp.acknowledgementNumber],
            ['data-offset', m.tcp.dataOffset],
            ['reserved', m.tcp.reserved],
            ['flags', m.tcp.flags?.join(' ')],
            ['window-size', m.tcp.windowSize],
            ['urgent-pointer', m.tcp.urgentPointer],
            ['options', m.tcp.options],
            ...l4ports(m.tcp),
            ['ietf-mud:direction-initiated', m.tcp.directionInitiated],
          ]),
    ],
    ['udp', m.udp === undefined ? undefined : defined([['length', m.udp.length], ...l4ports(m.udp)])],
    [
      'icmp',
      m.icmp === undefined
        ? undefined
        : defined([
            ['type', m.icmp.type],
            ['code', m.icmp.code],
            ['rest-of-header', m.icmp.restOfHeader],
          ]),
    ],
    ['egress-interface', m.egressInterface],
    ['ingress-interface', m.ingressInterface],
    [
      'ietf-acl-tls:client-profiles',
      m.tlsClientProfiles === undefined ? undefined : { 'tls-dtls-profile': m.tlsClientProfiles.map(profile) },
    ],
  ]);
}

function ace(a: Ace): Obj {
  const actions = defined([
    ['forwarding', a.actions.forwarding],
    ['logging', a.actions.logging === 'log-none' ? undefined : a.actions.logging],
  ]);
  return { name: a.name, matches: matches(a.matches), actions };
}

/** The MUD file as a JSON value in the RFC shape (serialise with JSON.stringify). */
export function mudToJson(file: MudFile): Obj {
  const m = file.mud;
  const t = m.transparency;
  const q = m.quarantine;
  const mud = defined([
    ['mud-version', m.mudVersion],
    ['mud-url', m.mudUrl],
    ['last-update', m.lastUpdate],
    ['mud-signature', m.mudSignature],
    ['cache-validity', m.cacheValidity],
    ['is-supported', m.isSupported],
    ['systeminfo', m.systeminfo],
    ['mfg-name', m.mfgName],
    ['model-name', m.modelName],
    ['firmware-rev', m.firmwareRev],
    ['software-rev', m.softwareRev],
    ['documentation', m.documentation],
    ['extensions', nonEmpty(m.extensions)],
    [
      'ietf-mud-transparency:transparency',
      t === undefined
        ? undefined
        : defined([
            [
              'sboms',
              t.sboms?.map((s) =>
                defined([
                  ['version-info', s.versionInfo],
                  ['sbom-url', s.sbomUrl],
                ]),
              ),
            ],
            ['sbom-local-well-known', t.sbomLocalWellKnown],
            ['sbom-contact-uri', t.sbomContactUri],
            ['sbom-archive-list', t.sbomArchiveList],
            ['vuln-url', t.vulnUrl],
            ['vuln-contact-uri', t.vulnContactUri],
          ]),
    ],
    ['ietf-mud-tls:is-tls-dtls-profile-supported', m.tlsDtlsProfileSupported],
    [
      'ietf-ol:ol',
      m.ol === undefined
        ? undefined
        : {
            ...defined([
              ['owners', nonEmpty(m.ol.owners)],
              [
                'license',
                nonEmpty(
                  m.ol.licenses.map((l) =>
                    defined([
                      ['owner-name', l.ownerName],
                      ['spdx-tags', nonEmpty(l.spdxTags)],
                      ['license-url', l.licenseUrl],
                    ]),
                  ),
                ),
              ],
            ]),
            ...m.ol.other,
          },
    ],
    ['from-device-policy', m.fromDevicePolicy === undefined ? undefined : policy(m.fromDevicePolicy)],
    ['to-device-policy', m.toDevicePolicy === undefined ? undefined : policy(m.toDevicePolicy)],
    [
      q?.member ?? '',
      q === undefined
        ? undefined
        : defined([
            ['access-lists', q.aclNames.length === 0 ? undefined : policy({ aclNames: q.aclNames })['access-lists']],
            ['enabled-ace-names', nonEmpty(q.enabledAceNames.map((n) => ({ 'ace-name': n })))],
          ]),
    ],
  ]);
  Object.assign(mud, m.unknownExtensions);
  const out: Obj = { [MUD_MEMBER]: mud };
  if (file.acls.length > 0)
    out[ACLS_MEMBER] = {
      acl: file.acls.map((a) =>
        defined([
          ['name', a.name],
          ['type', a.type],
          ['aces', { ace: a.aces.map(ace) }],
        ]),
      ),
    };
  return out;
}
