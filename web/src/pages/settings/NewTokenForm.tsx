/** Makes an API token: a name, its roles, an optional expiry; the secret is shown once, here. */
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Role } from '../../api/me.ts';
import { FormProblem } from './FormProblem.tsx';

export const ROLES: readonly Role[] = ['admin', 'manufacturer', 'owner', 'rendezvous', 'auditor'];

interface NewToken {
  id: string;
  name: string;
  secret: string;
}

/** What is wrong with the form, checked before it is sent; undefined when it may go. */
export function tokenFormError(name: string, roles: readonly string[], expires: string, now: Date): string | undefined {
  if (name.trim() === '') return 'Give the token a name.';
  if (name.length > 100) return 'The name is at most 100 characters.';
  if (roles.length === 0) return 'Choose at least one role.';
  if (expires !== '') {
    const at = new Date(expires);
    if (Number.isNaN(at.getTime())) return 'The expiry is not a date and time.';
    if (at.getTime() <= now.getTime()) return 'The expiry must be in the future.';
  }
  return undefined;
}

export function NewTokenForm({ onMade }: { onMade(): void }) {
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [expires, setExpires] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<unknown>(undefined);
  const [made, setMade] = useState<NewToken | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const toggle = (r: Role) => setRoles((rs) => (rs.includes(r) ? rs.filter((x) => x !== r) : [...rs, r]));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setRefused(undefined);
    const problem = tokenFormError(name, roles, expires, new Date());
    setInvalid(problem);
    if (problem !== undefined) return;
    setBusy(true);
    try {
      const body = { name: name.trim(), roles, ...(expires === '' ? {} : { expiresAt: new Date(expires).toISOString() }) };
      setMade(await api<NewToken>('/tokens', { method: 'POST', body }));
      setName('');
      setRoles([]);
      setExpires('');
      onMade();
    } catch (e) {
      setRefused(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <h3>New token</h3>
      {made !== undefined && (
        <div className="notice onb-secret" role="status">
          <p>
            Token <strong>{made.name}</strong> was made. Copy its secret now: it is shown only this once.
          </p>
          <label htmlFor="new-token-secret">Secret</label>
          <input id="new-token-secret" readOnly value={made.secret} className="mono" onFocus={(e) => e.target.select()} />
          <button type="button" className="secondary" onClick={() => setMade(undefined)}>
            Done, hide it
          </button>
        </div>
      )}
      <form onSubmit={submit} noValidate className="onb-form" aria-label="New API token">
        <label htmlFor="token-name">Name</label>
        <input id="token-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r} className="onb-check">
              <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {r}
            </label>
          ))}
        </fieldset>
        <label htmlFor="token-expires">Expires (optional)</label>
        <input id="token-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        {invalid !== undefined && (
          <p className="error" role="alert">
            {invalid}
          </p>
        )}
        <FormProblem error={refused} id="token-problem" />
        <div>
          <button type="submit" disabled={busy}>
            Make token
          </button>
        </div>
      </form>
    </div>
  );
}
