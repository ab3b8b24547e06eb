/** A JSON view of a decoded envelope, for `iotopia suit inspect --json` and for people. */
import { Tag } from '../codec/cbor.ts';
import type { SuitCommand } from './commands.ts';
import { Parameter, ReportingPolicy } from './constants.ts';
import { dependencyPrefix } from './dependencies.ts';
import { digestAlgorithmName, type SuitDigest } from './digest.ts';
import { envelopeKeyName, type SuitEnvelope } from './envelope.ts';
import { manifestKeyName } from './manifest.ts';
import type { SuitParameter } from './parameters.ts';
import type { SuitText } from './text.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** RFC 9562 text form of a 16-byte identifier. */
export function uuidText(b: Uint8Array): string {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const digestJson = (d: SuitDigest): { algorithm: string; bytes: string } => ({
  algorithm: digestAlgorithmName(d.algorithm),
  bytes: hex(d.bytes),
});

/** Plain JSON for any decoded CBOR value: bytes as hex, maps as entry lists when keys are not text. */
export function valueJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(valueJson);
  if (v instanceof Tag) return { tag: v.tag, value: valueJson(v.value) };
  if (v instanceof Map)
    return Object.fromEntries([...v].map(([k, x]) => [typeof k === 'string' ? k : JSON.stringify(valueJson(k)), valueJson(x)]));
  return v;
}

function policyNames(p: number): string[] {
  return Object.entries(ReportingPolicy)
    .filter(([, bit]) => (p & bit) !== 0)
    .map(([n]) => n);
}

function parameterJson(p: SuitParameter): unknown {
  let value: unknown;
  if (p.code === Parameter.imageDigest) value = digestJson(p.value as SuitDigest);
  else if ((p.code === Parameter.vendorIdentifier || p.code === Parameter.classIdentifier) && (p.value as Uint8Array).length === 16)
    value = uuidText(p.value as Uint8Array);
  else value = valueJson(p.value);
  return { parameter: p.name, code: p.code, value };
}

export function commandsJson(commands: readonly SuitCommand[]): unknown[] {
  return commands.map((c) => {
    const a = c.argument;
    const base = { command: c.name, code: c.code };
    switch (a.kind) {
      case 'policy':
        return { ...base, policy: a.policy, report: policyNames(a.policy) };
      case 'component-index':
        return { ...base, index: a.index };
      case 'parameters':
        return { ...base, parameters: a.parameters.map(parameterJson) };
      case 'try-each':
        return { ...base, sequences: a.sequences.map(commandsJson), emptyLast: a.emptyLast };
      case 'sequence':
        return { ...base, sequence: commandsJson(a.commands) };
      case 'override-multiple':
        return { ...base, components: a.entries.map((e) => ({ index: e.index, parameters: e.parameters.map(parameterJson) })) };
      case 'copy-params':
        return { ...base, components: a.entries.map((e) => ({ index: e.index, parameters: e.parameters })) };
      default:
        return { ...base, unknown: true, argument: valueJson(a.value) };
    }
  });
}

function textJson(t: SuitText): unknown {
  return Object.fromEntries(
    t.languages.map((l) => [
      l.tag,
      l.entries.map((e) =>
        'component' in e
          ? { component: e.component.map(hex), fields: Object.fromEntries(e.fields.map((f) => [f.key, f.text])) }
          : { [e.key]: e.text },
      ),
    ]),
  );
}

/** The JSON document `suit inspect --json` prints. */
export function envelopeJson(env: SuitEnvelope): Record<string, unknown> {
  const m = env.manifest;
  const sequences: Record<string, unknown> = {};
  for (const [k, seq] of m.sequences) sequences[manifestKeyName(k)] = commandsJson(seq);
  const severed: Record<string, unknown> = {};
  for (const [k, d] of m.severed) {
    const member = env.severable.get(k);
    severed[manifestKeyName(k)] = {
      digest: digestJson(d),
      inEnvelope: member !== undefined,
      ...(member?.sequence === undefined ? {} : { sequence: commandsJson(member.sequence) }),
      ...(member?.text === undefined ? {} : { text: textJson(member.text) }),
    };
  }
  return {
    tagged: env.tagged,
    authentication: {
      digest: digestJson(env.authentication.digest),
      blocks: env.authentication.blocks.length,
    },
    manifest: {
      version: m.version,
      sequenceNumber: typeof m.sequenceNumber === 'bigint' ? m.sequenceNumber.toString() : m.sequenceNumber,
      ...(m.referenceUri === undefined ? {} : { referenceUri: m.referenceUri }),
      ...(m.manifestComponentId === undefined ? {} : { manifestComponentId: m.manifestComponentId.map(hex) }),
      components: m.common.components.map((c) => c.map(hex)),
      ...(m.common.dependencies === undefined ? {} : { dependencies: valueJson(m.common.dependencies) }),
      ...(m.common.sharedSequence === undefined ? {} : { sharedSequence: commandsJson(m.common.sharedSequence) }),
      sequences,
      severed,
      ...(m.text === undefined ? {} : { text: textJson(m.text) }),
      ...(m.extensions.size === 0 ? {} : { extensions: valueJson(m.extensions) }),
    },
    integratedPayloads: Object.fromEntries([...env.integrated].map(([k, b]) => [k, { bytes: b.length }])),
    ...(env.delegation === undefined ? {} : { delegation: { bytes: env.delegation.length } }),
    ...(env.extensions.size === 0 ? {} : { extensions: [...env.extensions.keys()].map(envelopeKeyName) }),
  };
}

function parameterText(p: SuitParameter): string {
  const j = (parameterJson(p) as { value: unknown }).value;
  const v =
    p.code === Parameter.imageDigest
      ? `${(j as { algorithm: string }).algorithm}:${(j as { bytes: string }).bytes}`
      : typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean'
        ? String(j)
        : JSON.stringify(j);
  return `${p.name}=${v}`;
}

function commandLines(commands: readonly SuitCommand[], indent: string, out: string[]): void {
  for (const c of commands) {
    const a = c.argument;
    switch (a.kind) {
      case 'policy':
        out.push(`${indent}${c.name} (policy ${a.policy})`);
        break;
      case 'component-index':
        out.push(`${indent}${c.name} ${Array.isArray(a.index) ? a.index.join(',') : a.index === true ? 'all' : a.index}`);
        break;
      case 'parameters':
        out.push(`${indent}${c.name} ${a.parameters.map(parameterText).join(', ')}`);
        break;
      case 'try-each':
        out.push(`${indent}${c.name}${a.emptyLast ? ' (or nothing)' : ''}`);
        a.sequences.forEach((s, i) => {
          out.push(`${indent}  option ${i + 1}:`);
          commandLines(s, `${indent}    `, out);
        });
        break;
      case 'sequence':
        out.push(`${indent}${c.name}`);
        commandLines(a.commands, `${indent}  `, out);
        break;
      case 'override-multiple':
        out.push(`${indent}${c.name}`);
        for (const e of a.entries) out.push(`${indent}  component ${e.index}: ${e.parameters.map(parameterText).join(', ')}`);
        break;
      case 'copy-params':
        out.push(`${indent}${c.name} ${a.entries.map((e) => `from ${e.index}: ${e.parameters.join(',')}`).join('; ')}`);
        break;
      default:
        out.push(`${indent}${c.name} (unknown command) ${JSON.stringify(valueJson(a.value))}`);
    }
  }
}

/**
 * A readable summary of a decoded envelope, for `iotopia suit inspect` without options; `text`
 * renders the envelope's own strings (the caller's escaping for its terminal).
 */
export function envelopeText(env: SuitEnvelope, text: (s: string) => string = (s) => s): string {
  const m = env.manifest;
  const out: string[] = [];
  const d = env.authentication.digest;
  out.push(`SUIT envelope${env.tagged ? ' (tag 107)' : ''}`);
  out.push(
    `authentication: manifest digest ${digestAlgorithmName(d.algorithm)} ${hex(d.bytes)}; ${env.authentication.blocks.length} block(s) (not verified here)`,
  );
  out.push(
    `manifest version ${m.version}, sequence number ${m.sequenceNumber}${m.referenceUri === undefined ? '' : `, reference ${text(m.referenceUri)}`}`,
  );
  out.push('components:');
  m.common.components.forEach((c, i) => {
    out.push(`  [${i}] ${c.map(hex).join(' / ')}`);
  });
  if (m.common.dependencies !== undefined) out.push('dependencies:', ...dependencyLines(m.common.dependencies, m.common.components.length));
  if (m.common.sharedSequence !== undefined) {
    out.push('shared sequence:');
    commandLines(m.common.sharedSequence, '  ', out);
  }
  const keys = [...new Set([...m.sequences.keys(), ...m.severed.keys()])].sort((a, b) => a - b);
  for (const k of keys) {
    const seq = m.sequences.get(k);
    const severed = m.severed.get(k);
    const member = env.severable.get(k);
    if (seq !== undefined) {
      out.push(`${manifestKeyName(k)}:`);
      commandLines(seq, '  ', out);
    } else if (severed !== undefined) {
      out.push(
        `${manifestKeyName(k)}: severable, digest ${digestAlgorithmName(severed.algorithm)} ${hex(severed.bytes)}, ${member === undefined ? 'severed' : 'in the envelope'}`,
      );
      if (member?.sequence !== undefined) commandLines(member.sequence, '  ', out);
      if (member?.text !== undefined) out.push(`  ${JSON.stringify(textJson(member.text))}`);
    }
  }
  if (m.text !== undefined) out.push(`text: ${JSON.stringify(textJson(m.text))}`);
  for (const [k, b] of env.integrated) out.push(`integrated payload ${JSON.stringify(k)}: ${b.length} bytes`);
  return `${out.join('\n')}\n`;
}

/** One line per Dependency (draft-ietf-suit-trust-domains-12 §5.2.2): its index, whether it is a listed component, its prefix. */
function dependencyLines(dependencies: ReadonlyMap<number, unknown>, components: number): string[] {
  return [...dependencies.keys()].map((i) => {
    const prefix = dependencyPrefix(dependencies, i);
    const where = i < components ? 'component above' : 'past the components';
    return `  [${i}] ${where}${prefix === undefined ? '' : `, prefix ${prefix.map(hex).join(' / ')}`}`;
  });
}
