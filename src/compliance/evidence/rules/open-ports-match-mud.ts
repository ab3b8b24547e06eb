/** The latest open-port probe of a test device of the model found no open port its MUD file does not allow. */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { unregistered } from '../rule-result.ts';

const RULE = 'open-ports-match-mud';
/** Every TCP port, 1-65535: a probe of fewer shows only part of what the device exposes. */
const ALL_PORTS = 65_535;

export function openPortsMatchMud(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const probe = facts.probe;
  const url = facts.product.mudUrl;
  if (url === undefined)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: 'The product declares no MUD URL to probe against.',
      evidence: [],
      remedy: "Declare the product's MUD URL.",
    };
  if (probe === undefined)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: 'No open-port probe of a test device was run.',
      evidence: [],
      remedy: 'Probe a test device of the model.',
    };
  const range = `${probe.protocol} ${probe.ports.from}-${probe.ports.to}`;
  const item = {
    kind: 'probe',
    id: `${probe.address} ${probe.finishedAt}`,
    detail: `open [${probe.open.join(', ')}], allowed [${probe.allowed.join(', ')}], unexpected [${probe.unexpected.join(', ')}]`,
  };
  if (probe.mudUrl !== url)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `The latest probe compared the ports with ${probe.mudUrl}, not the product's MUD file ${url}.`,
      evidence: [item],
      remedy: "Probe again against the product's MUD file.",
    };
  if (probe.unexpected.length > 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `${probe.unexpected.length} of ${probe.open.length} open ports (${range}) are not allowed by the MUD file: ${probe.unexpected.join(', ')}.`,
      evidence: [item],
      remedy: 'Close the unexpected ports or declare them in the MUD file.',
    };
  const scanned = probe.ports.to - probe.ports.from + 1;
  if (probe.filtered === scanned)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `No port of ${range} answered: a firewall between the probe and the device hid them, so the probe shows nothing.`,
      evidence: [item],
      remedy: 'Probe the test device from a host on its own link, with no firewall in between.',
    };
  if (scanned < ALL_PORTS)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The ${probe.open.length} open ports of ${range} are allowed by the MUD file, but only ${scanned} of ${ALL_PORTS} ports were probed.`,
      evidence: [item],
      remedy: 'Probe every TCP port, 1-65535.',
    };
  return {
    rule: RULE,
    outcome: 'met',
    detail: `All ${probe.open.length} open ports (${range}) are allowed by the MUD file.`,
    evidence: [item],
  };
}
