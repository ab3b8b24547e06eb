/** The calling token (`GET /api/v1/me`) and what its roles allow. */
export type Role = 'admin' | 'manufacturer' | 'owner' | 'rendezvous' | 'auditor';

export interface Me {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
  expiresAt?: string;
}

/** True when the token may use a route open to `roles` (admin may use every route). */
export function allows(me: Me | undefined, roles: readonly Role[]): boolean {
  if (me === undefined) return false;
  return me.roles.includes('admin') || me.roles.some((r) => roles.includes(r));
}
