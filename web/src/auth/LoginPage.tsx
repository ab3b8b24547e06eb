/** Log-in with an API token (as `iotopia up` prints it, or as an admin made it). */
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { useSession } from './session.tsx';

export function LoginPage() {
  const { logIn, endedBecause } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const t = token.trim();
    if (t === '') {
      setError('Enter an API token.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await logIn(t);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The log-in failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>IoTopia console</h1>
      <form onSubmit={submit} noValidate aria-describedby="login-help">
        <p id="login-help">
          Log in with an API token. <code>iotopia up</code> prints one on its first start; an admin makes more with{' '}
          <code>iotopia token create</code>.
        </p>
        {endedBecause !== undefined && (
          <p className="notice" role="status">
            {endedBecause}
          </p>
        )}
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : 'login-error'}
        />
        {error !== undefined && (
          <p id="login-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
