/** SUIT_Text_Map (draft-ietf-suit-manifest-37 §8.4.4): text per language, for the manifest and per component. */
import { encode } from '../codec/cbor.ts';
import { asArray, asBytes, asMap, asText, decodeCbor, intKey, malformed } from './lib/read.ts';

export interface SuitTextField {
  key: number;
  text: string;
}

export type SuitTextEntry = SuitTextField | { component: Uint8Array[]; fields: SuitTextField[] };

export interface SuitText {
  /** One SUIT_Text_LMap per language tag (RFC 5646), entries in their order. */
  languages: { tag: string; entries: SuitTextEntry[] }[];
}

export function decodeText(bytes: Uint8Array, path: string, maxBytes: number): SuitText {
  const languages: SuitText['languages'] = [];
  const map = asMap(decodeCbor(bytes, path, maxBytes), path);
  if (map.size === 0) throw malformed(path, 'suit-text has at least one language');
  for (const [lang, lmap] of map) {
    const tag = asText(lang, `${path} key`);
    const at = `${path}.${tag}`;
    const entries: SuitTextEntry[] = [];
    for (const [k, v] of asMap(lmap, at)) {
      if (Array.isArray(k)) {
        const component = readComponentId(k, `${at} key`);
        const fields = [...asMap(v, at)].map(([fk, fv]) => ({ key: intKey(fk, at), text: asText(fv, at) }));
        entries.push({ component, fields });
      } else {
        entries.push({ key: intKey(k, at), text: asText(v, at) });
      }
    }
    languages.push({ tag, entries });
  }
  return { languages };
}

/** SUIT_Component_Identifier = [+ bstr] (§8.4.5.1). */
export function readComponentId(v: unknown, path: string): Uint8Array[] {
  const a = asArray(v, path);
  if (a.length === 0) throw malformed(path, 'a component identifier has at least one byte string');
  return a.map((x, i) => (x instanceof Uint8Array ? x : asBytes(x, `${path}[${i}]`)));
}

export function textValue(t: SuitText): Map<string, Map<unknown, string | Map<number, string>>> {
  const out = new Map<string, Map<unknown, string | Map<number, string>>>();
  for (const l of t.languages) {
    const m = new Map<unknown, string | Map<number, string>>();
    for (const e of l.entries) {
      if ('component' in e) m.set(e.component, new Map(e.fields.map((f) => [f.key, f.text])));
      else m.set(e.key, e.text);
    }
    out.set(l.tag, m);
  }
  return out;
}

export const encodeText = (t: SuitText): Uint8Array => encode(textValue(t));
