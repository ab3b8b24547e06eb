/** The frame of every page after log-in: a skip link, the navigation the token may use, who is logged in, and the page. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { allows } from '../api/me.ts';
import { useSession } from '../auth/session.tsx';
import { NAV } from '../nav.ts';
import { DemoBanner } from './DemoBanner.tsx';

export function Shell({ children }: { children: ReactNode }) {
  const { me, logOut } = useSession();
  const [location] = useLocation();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">IoTopia</span>
        <span className="who">
          {me?.name} <span className="roles">({me?.roles.join(', ')})</span>
        </span>
        <button type="button" className="secondary" onClick={() => logOut('You have logged out.')}>
          Log out
        </button>
      </header>
      <nav aria-label="Pages">
        <ul>
          {NAV.filter((n) => allows(me, n.roles)).map((n) => (
            <li key={n.path}>
              <Link href={n.path} aria-current={location.startsWith(n.path) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <DemoBanner />
        {children}
      </main>
    </div>
  );
}
