/**
 * MAC address (48-bit number) → value, as an open-addressing hash table over typed arrays: MACs
 * do not fit V8's small integers, so a Map keyed by them hashes heap numbers on every packet.
 */
export interface MacTable<T> {
  get(mac: number): T | undefined;
  set(mac: number, value: T): void;
}

const hash = (mac: number, mask: number): number => {
  const low = mac % 0x1000000;
  const high = (mac - low) / 0x1000000;
  return (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 8) & mask;
};

export function createMacTable<T>(): MacTable<T> {
  let keys = new Float64Array(64).fill(-1);
  let values: (T | undefined)[] = new Array(64);
  let size = 0;
  const slot = (mac: number): number => {
    const mask = keys.length - 1;
    let i = hash(mac, mask);
    while (keys[i] !== -1 && keys[i] !== mac) i = (i + 1) & mask;
    return i;
  };
  const grow = (): void => {
    const [oldKeys, oldValues] = [keys, values];
    keys = new Float64Array(oldKeys.length * 2).fill(-1);
    values = new Array(keys.length);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] as number;
      if (k === -1) continue;
      const s = slot(k);
      keys[s] = k;
      values[s] = oldValues[i];
    }
  };
  return {
    get(mac) {
      if (mac < 0) return undefined;
      const i = slot(mac);
      return keys[i] === mac ? values[i] : undefined;
    },
    set(mac, value) {
      if (mac < 0) return;
      if ((size + 1) * 2 > keys.length) grow();
      const i = slot(mac);
      if (keys[i] !== mac) size++;
      keys[i] = mac;
      values[i] = value;
    },
  };
}
