/** The MUD files this server publishes, with their signer and validity; each opens with its policy in words. */
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import type { MudFileInfo } from './types.ts';

export function MudFileList() {
  const list = usePagedList<MudFileInfo>('/mud-files', {}, { refetchMs: 5000, pageSize: 20 });
  return (
    <section aria-labelledby="intent-mud-title">
      <h2 id="intent-mud-title">Published MUD files</h2>
      {list.error !== null ? <Problem error={list.error} what="the MUD files" /> : null}
      {list.isLoading ? (
        <Loading what="MUD files" />
      ) : list.items.length === 0 ? (
        <p className="empty">This server publishes no MUD file.</p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Published MUD files</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">MUD URL</th>
              <th scope="col">Signer</th>
              <th scope="col">Cache validity</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((f) => (
              <tr key={f.name}>
                <td>
                  <Link href={`/intent/mud-files/${encodeURIComponent(f.name)}`}>{f.name}</Link>
                </td>
                <td className="mono">{f.mudUrl}</td>
                <td>{f.signer}</td>
                <td>{f.cacheValidity} h</td>
                <td>
                  <Time at={f.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="MUD files" />
    </section>
  );
}
