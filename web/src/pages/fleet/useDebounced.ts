import { useEffect } from 'react';

/** Calls `apply(value)` once `value` has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number, apply: (value: T) => void): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new value restarts the wait
  useEffect(() => {
    const timer = setTimeout(() => apply(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
}
