/**
 * Several device scripts (src/intent/nft-compile.ts) as one transaction: the table head once (each
 * script starts with the same declaration of the table and its base chains), each shared set once,
 * then each device's own lines.
 */

const DEVICE_LINE = / d_[0-9a-f]{12}/;
const SHARED_SET_LINE = /^add set \S+ \S+ a_[0-9a-f]{13} /;

export function joinScripts(scripts: string[]): string {
  const lines: string[] = [];
  const sets = new Set<string>();
  let head: Set<string> | undefined;
  for (const script of scripts) {
    const own = script.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const first = own.findIndex((l) => DEVICE_LINE.test(l));
    const prefix = first < 0 ? own : own.slice(0, first);
    const known = head;
    const sameHead = known !== undefined && prefix.every((l) => known.has(l));
    if (head === undefined) head = new Set(prefix);
    if (!sameHead) lines.push(...prefix);
    for (const l of own.slice(prefix.length)) {
      if (SHARED_SET_LINE.test(l)) {
        if (sets.has(l)) continue;
        sets.add(l);
      }
      lines.push(l);
    }
  }
  return `${lines.join('\n')}\n`;
}
