/** Fast text forms of addresses read from packets: MAC, dotted quad, RFC 5952 IPv6. */

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `aa:bb:cc:dd:ee:ff` from six octets at `at`. */
export function macText(b: Uint8Array, at: number): string {
  return `${HEX2[b[at]!]}:${HEX2[b[at + 1]!]}:${HEX2[b[at + 2]!]}:${HEX2[b[at + 3]!]}:${HEX2[b[at + 4]!]}:${HEX2[b[at + 5]!]}`;
}

export function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups (the
 * first on a tie) as `::`; §5: IPv4-mapped addresses end in dotted quad.
 */
export function ipv6Text(b: Uint8Array, at: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return `::ffff:${ipv4Text(b, at + 12)}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestAt === -1) return g.map((x) => x.toString(16)).join(':');
  const head = g
    .slice(0, bestAt)
    .map((x) => x.toString(16))
    .join(':');
  const tail = g
    .slice(bestAt + bestLen)
    .map((x) => x.toString(16))
    .join(':');
  return `${head}::${tail}`;
}
