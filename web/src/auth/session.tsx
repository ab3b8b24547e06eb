/**
 * The log-in session: the token, the token's own record (`/me`) and the reason the last session
 * ended. A 401 from any call ends the session, and the log-in page then says why.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setAuthFailureListener } from '../api/client.ts';
import type { Me } from '../api/me.ts';
import { type ApiError, loginMessage } from '../api/problem.ts';
import { forgetToken, readToken, saveToken } from '../api/token-store.ts';

export interface Session {
  me: Me | undefined;
  /** Why the last session ended, shown on the log-in page. */
  endedBecause: string | undefined;
  logIn(token: string): Promise<void>;
  logOut(reason?: string): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === undefined) throw new Error('useSession outside SessionProvider');
  return s;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [endedBecause, setEndedBecause] = useState<string | undefined>(undefined);
  const [checking, setChecking] = useState(readToken() !== undefined);

  const logOut = useCallback(
    (reason?: string) => {
      forgetToken();
      setMe(undefined);
      setEndedBecause(reason);
      client.clear();
    },
    [client],
  );

  const logIn = useCallback(async (token: string) => {
    const found = await api<Me>('/me', { token });
    saveToken(token);
    setEndedBecause(undefined);
    setMe(found);
  }, []);

  useEffect(() => {
    setAuthFailureListener((e: ApiError) => logOut(loginMessage(e)));
    return () => setAuthFailureListener(undefined);
  }, [logOut]);

  // A reload keeps the tab's token: check that it still works.
  useEffect(() => {
    const token = readToken();
    if (token === undefined) return;
    api<Me>('/me', { token })
      .then(setMe)
      // A 401 has already ended the session with its reason (the listener above); anything else
      // (the server unreachable) leaves the token for the next try.
      .catch(() => undefined)
      .finally(() => setChecking(false));
  }, []);

  const value = useMemo(() => ({ me, endedBecause, logIn, logOut }), [me, endedBecause, logIn, logOut]);
  if (checking) return <p className="loading">Checking your session…</p>;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
