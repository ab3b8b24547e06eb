/** One published MUD file: its URL, signer and validity, and its policy in plain words, rule by rule. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import type { MudDescription, MudFileInfo } from './types.ts';

export function MudFilePage({ params }: { params: { name: string } }) {
  const name = decodeURIComponent(params.name);
  const path = `/mud-files/${encodeURIComponent(name)}`;
  const info = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<MudFileInfo>(path, { signal }) });
  const description = useQuery({
    queryKey: [path, 'description'],
    queryFn: ({ signal }) => api<MudDescription>(`${path}/description`, { signal }),
  });
  const f = info.data;
  const d = description.data;
  return (
    <section aria-labelledby="mud-file-title">
      <p>
        <Link href="/intent">Back to intent</Link>
      </p>
      <h1 id="mud-file-title">MUD file {name}</h1>
      {info.error !== null ? <Problem error={info.error} what="the MUD file" /> : null}
      {info.isLoading && <Loading what="the MUD file" />}
      {f !== undefined && (
        <dl className="facts">
          <dt>MUD URL</dt>
          <dd className="mono">{f.mudUrl}</dd>
          <dt>Signer</dt>
          <dd>{f.signer}</dd>
          <dt>Cache validity</dt>
          <dd>{f.cacheValidity} hours</dd>
          <dt>Published</dt>
          <dd>
            <Time at={f.publishedAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time at={f.updatedAt} />
          </dd>
          <dt>Size</dt>
          <dd>
            {f.bytes} bytes, signature {f.signatureBytes} bytes
          </dd>
        </dl>
      )}
      <h2>What the device may do</h2>
      {description.error !== null ? <Problem error={description.error} what="the policy" /> : null}
      {description.isLoading && <Loading what="the policy" />}
      {d !== undefined && (
        <>
          <ul className="sentences">
            {d.sentences.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
          <table className="data">
            <caption>Rules, in policy order</caption>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">ACL / ACE</th>
                <th scope="col">Family</th>
                <th scope="col">Peer</th>
                <th scope="col">Protocol</th>
                <th scope="col">Ports</th>
                <th scope="col">Opened by</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={`${r.policy}/${r.acl}/${r.ace}`}>
                  <td>{r.policy}</td>
                  <td className="mono">
                    {r.acl} / {r.ace}
                  </td>
                  <td>{r.family}</td>
                  <td>{r.peer}</td>
                  <td>{r.protocol}</td>
                  <td>{r.ports === '' ? '—' : r.ports}</td>
                  <td>{r.initiatedBy ?? '—'}</td>
                  <td>{r.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
