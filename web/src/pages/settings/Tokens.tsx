/** API tokens (admin only): the list, paged by the server, revoking with confirmation, and making new ones. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { NewTokenForm } from './NewTokenForm.tsx';

interface Token {
  id: string;
  name: string;
  roles: string[];
  createdAt: string;
  revokedAt?: string;
  expiresAt?: string;
}

export function Tokens() {
  const client = useQueryClient();
  const { me } = useSession();
  const list = usePagedList<Token>('/tokens', {}, { pageSize: 20, refetchMs: 5000 });
  const [revoking, setRevoking] = useState<Token | undefined>(undefined);
  const refresh = () => client.invalidateQueries({ queryKey: ['/tokens'] });
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {list.error !== null ? <Problem error={list.error} what="the API tokens" /> : null}
      {list.isLoading ? (
        <Loading what="tokens" />
      ) : (
        <table className="data">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Made</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((t) => (
              <tr key={t.id} data-token={t.id}>
                <td>{t.name}</td>
                <td>{t.roles.join(', ')}</td>
                <td>
                  <Time at={t.createdAt} />
                </td>
                <td>{t.expiresAt === undefined ? <span className="muted">never</span> : <Time at={t.expiresAt} />}</td>
                <td>
                  {t.revokedAt === undefined ? <span className="badge good">live</span> : <span className="badge muted">revoked</span>}
                </td>
                <td>
                  {t.id === me?.id ? (
                    <span className="muted">this session</span>
                  ) : (
                    t.revokedAt === undefined && (
                      <button type="button" className="danger" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Tokens" />
      <NewTokenForm onMade={refresh} />
      <Confirm
        open={revoking !== undefined}
        title="Revoke this token?"
        message={`Requests with the token “${revoking?.name ?? ''}” are refused from now on. This cannot be undone.`}
        confirmLabel="Revoke"
        onConfirm={async () => {
          if (revoking === undefined) return;
          await api(`/tokens/${revoking.id}/revoke`, { method: 'POST', body: {} });
          await refresh();
        }}
        onClose={() => setRevoking(undefined)}
      />
    </section>
  );
}
