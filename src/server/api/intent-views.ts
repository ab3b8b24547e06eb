/** What the intent API shows of devices, violations and quarantine actions, and their OpenAPI schemas. */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import type { IntentFlowRecord } from '../../store/intent-flow-repository.ts';
import type { IntentQuarantineRecord } from '../../store/intent-quarantine-repository.ts';
import { type IntentViolationRecord, violationKey } from '../../store/intent-violation-repository.ts';

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A device with its MUD state: URL, file digest and signer, last fetch, next refresh, resolved addresses, enforcement, last error. */
export function deviceView(d: IntentDeviceRecord): Record<string, unknown> {
  return defined({
    mac: d.mac,
    guid: d.guid,
    name: d.name,
    ipv4: d.ipv4,
    ipv6: d.ipv6,
    mudUrl: d.mudUrl,
    urlSource: d.urlSource,
    state: d.state,
    ruleCount: d.ruleCount,
    mud: d.mud === undefined ? undefined : defined({ digest: d.mud.digest, signer: d.mud.signer, signed: d.mud.signed }),
    lastFetch: d.fetch?.fetchedAt.toISOString(),
    validUntil: d.fetch?.validUntil.toISOString(),
    fetchFailures: d.fetch?.failures ?? d.failedAttempts ?? 0,
    nextRefresh: d.dueAt?.toISOString(),
    resolved: d.names.map((n) => ({ name: n.name, addresses: n.addresses, expiresAt: n.expiresAt.toISOString() })),
    lastError:
      d.lastError === undefined ? undefined : { code: d.lastError.code, message: d.lastError.message, at: d.lastError.at.toISOString() },
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  });
}

/** A violation's id in the API: its stored key, base64url, so that it fits in a path. */
export const violationId = (v: IntentViolationRecord): string => Buffer.from(violationKey(v), 'utf8').toString('base64url');

export const violationView = (v: IntentViolationRecord) => ({
  id: violationId(v),
  mac: v.mac,
  direction: v.direction,
  protocol: v.protocol,
  peer: v.peer,
  peerPort: v.peerPort,
  localPort: v.localPort,
  acl: v.acl,
  firstSeen: v.firstSeen.toISOString(),
  lastSeen: v.lastSeen.toISOString(),
  count: v.count,
});

/** A recent flow: its shape, the latest verdict and the rule that decided, first and last seen, count. */
export const flowView = (f: IntentFlowRecord) => ({
  mac: f.mac,
  direction: f.direction,
  protocol: f.protocol,
  peer: f.peer,
  peerPort: f.peerPort,
  localPort: f.localPort,
  verdict: f.verdict,
  rule: f.rule,
  firstSeen: f.firstSeen.toISOString(),
  lastSeen: f.lastSeen.toISOString(),
  count: f.count,
});

export const quarantineView = (q: IntentQuarantineRecord) => ({
  id: q.id,
  mac: q.mac,
  action: q.action,
  actor: q.actor,
  reason: q.reason,
  at: q.at.toISOString(),
});

const time = { type: 'string', format: 'date-time' };
const str = { type: 'string' };

export const INTENT_DEVICE_SCHEMA = {
  type: 'object',
  required: ['mac', 'urlSource', 'state', 'ruleCount', 'fetchFailures', 'resolved', 'createdAt', 'updatedAt'],
  properties: {
    mac: str,
    guid: str,
    name: str,
    ipv4: str,
    ipv6: str,
    mudUrl: str,
    urlSource: { enum: ['fdo', 'dhcp', 'lldp', 'api', 'x509'] },
    state: { enum: ['pending', 'enforced', 'default-deny', 'allowed', 'quarantined', 'failed', 'removed'] },
    ruleCount: { type: 'integer' },
    mud: {
      type: 'object',
      required: ['digest', 'signed'],
      properties: { digest: { type: 'string', description: 'SHA-256 of the file, hex' }, signer: str, signed: { type: 'boolean' } },
    },
    lastFetch: time,
    validUntil: time,
    fetchFailures: { type: 'integer' },
    nextRefresh: { ...time, description: 'when the manager next refetches the file or re-resolves a name' },
    resolved: {
      type: 'array',
      items: { type: 'object', properties: { name: str, addresses: { type: 'array', items: str }, expiresAt: time } },
    },
    lastError: { type: 'object', properties: { code: str, message: str, at: time } },
    createdAt: time,
    updatedAt: time,
  },
};

export const INTENT_VIOLATION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'opens the violation: GET /intent/violations/{id}' },
    mac: str,
    direction: { enum: ['from-device', 'to-device'] },
    protocol: { type: 'integer' },
    peer: str,
    peerPort: { type: 'integer' },
    localPort: { type: 'integer' },
    acl: { type: 'string', description: 'the ACL the flow fell through' },
    firstSeen: time,
    lastSeen: time,
    count: { type: 'integer' },
  },
};

export const INTENT_FLOW_SCHEMA = {
  type: 'object',
  required: ['mac', 'direction', 'protocol', 'peer', 'peerPort', 'localPort', 'verdict', 'rule', 'firstSeen', 'lastSeen', 'count'],
  properties: {
    mac: str,
    direction: { enum: ['from-device', 'to-device'] },
    protocol: { type: 'integer' },
    peer: str,
    peerPort: { type: 'integer', description: '0 when the protocol has none' },
    localPort: { type: 'integer', description: "the device's port; 0 when the protocol has none or it is ephemeral" },
    verdict: { enum: ['accept', 'drop'], description: 'what the policy enforced when the flow was last seen did with it' },
    rule: { type: 'string', description: 'acl/ace, basics, default-deny (after the last ACL tried) or unknown-device-address' },
    firstSeen: time,
    lastSeen: time,
    count: { type: 'integer' },
  },
};

export const INTENT_QUARANTINE_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'integer' }, mac: str, action: { enum: ['quarantine', 'release'] }, actor: str, reason: str, at: time },
};
