/** The console's pages in the navigation, each with the roles that may open it (admin opens every page). */
import { allows, type Me, type Role } from './api/me.ts';

export interface NavItem {
  path: string;
  label: string;
  roles: readonly Role[];
}

export const NAV: readonly NavItem[] = [
  { path: '/fleet', label: 'Fleet', roles: ['owner'] },
  { path: '/onboarding', label: 'Onboarding', roles: ['manufacturer', 'owner', 'rendezvous'] },
  { path: '/intent', label: 'Intent', roles: ['owner', 'auditor'] },
  { path: '/updates', label: 'Updates', roles: ['owner'] },
  { path: '/compliance', label: 'Compliance', roles: ['manufacturer', 'owner', 'auditor'] },
  { path: '/settings', label: 'Settings', roles: ['admin', 'manufacturer', 'owner', 'rendezvous'] },
];

/** The first page the token may open: where log-in and / lead. */
export function homePath(me: Me | undefined): string {
  return NAV.find((n) => allows(me, n.roles))?.path ?? '/settings';
}
