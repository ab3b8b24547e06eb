/** Checks shared by both sides' step functions. */
import { SERVICEINFO_MAX_SIZE, SERVICEINFO_MIN_SIZE } from '../../constants/serviceinfo.ts';

export function checkMaxSize(maxSize: number): void {
  if (!Number.isInteger(maxSize) || maxSize < SERVICEINFO_MIN_SIZE || maxSize > SERVICEINFO_MAX_SIZE) {
    throw new TypeError(`maxSize must be an integer in ${SERVICEINFO_MIN_SIZE}..${SERVICEINFO_MAX_SIZE} (see resolveMaxServiceInfoSize)`);
  }
}

export function checkState(state: unknown, role: 'device' | 'owner'): void {
  const s = state as { v?: unknown; role?: unknown } | null;
  if (typeof s !== 'object' || s === null || s.v !== 1 || s.role !== role) {
    throw new TypeError(`not a ${role} ServiceInfo state of version 1`);
  }
}
