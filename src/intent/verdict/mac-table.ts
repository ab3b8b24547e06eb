/**
 * A number up to 48 bits (a MAC, an IPv4 address) → value, as an open-addressing hash table over
 * typed arrays: such numbers often do not fit V8's small integers, so a Map keyed by them hashes
 * heap numbers on every packet. The hash takes the low 32 bits (`| 0` is exact for integers below
 * 2^53), multiplied by a Fibonacci constant; the full key is compared.
 */
export interface MacTable<T> {
  get(key: number): T | undefined;
  set(key: number, value: T): void;
}

export function createMacTable<T>(): MacTable<T> {
  let bits = 6;
  let keys = new Float64Array(1 << bits).fill(-1);
  let values: (T | undefined)[] = new Array(1 << bits);
  let size = 0;
  const slot = (key: number): number => {
    const mask = keys.length - 1;
    let i = Math.imul(key | 0, 0x9e3779b1) >>> (32 - bits);
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & mask;
    return i;
  };
  const grow = (): void => {
    const [oldKeys, oldValues] = [keys, values];
    bits++;
    keys = new Float64Array(1 << bits).fill(-1);
    values = new Array(1 << bits);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] as number;
      if (k === -1) continue;
      const s = slot(k);
      keys[s] = k;
      values[s] = oldValues[i];
    }
  };
  return {
    get(key) {
      if (key < 0) return undefined;
      const i = slot(key);
      return keys[i] === key ? values[i] : undefined;
    },
    set(key, value) {
      if (key < 0) return;
      if ((size + 1) * 2 > keys.length) grow();
      const i = slot(key);
      if (keys[i] !== key) size++;
      keys[i] = key;
      values[i] = value;
    },
  };
}
