/** The owner's TO2 address: where devices are told to run TO2, registered with the rendezvous in TO0. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { Confirm } from '../../components/Confirm.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { FormProblem } from './FormProblem.tsx';

interface Entry {
  ip?: string;
  dns?: string;
  port: number;
  protocol: 'http' | 'https';
}
interface To2Address {
  addresses: Entry[];
  source: 'setting' | 'default';
}
interface Row {
  host: string;
  port: string;
  protocol: 'http' | 'https';
}

const PATH = '/owner/to2-address';
const looksLikeIp = (host: string) => /^[0-9.]+$/.test(host) || host.includes(':');
const toRow = (e: Entry): Row => ({ host: e.ip ?? e.dns ?? '', port: String(e.port), protocol: e.protocol });

/** What is wrong with the rows, checked before sending; the server checks addresses and names again. */
export function to2RowsError(rows: readonly Row[]): string | undefined {
  if (rows.length === 0) return 'Give at least one address.';
  for (const [i, r] of rows.entries()) {
    if (r.host.trim() === '') return `Address ${i + 1}: give an IP address or a DNS name.`;
    const port = Number(r.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `Address ${i + 1}: the port is a number from 1 to 65535.`;
  }
  return undefined;
}

function toEntry(r: Row): Entry {
  const host = r.host.trim();
  return { ...(looksLikeIp(host) ? { ip: host } : { dns: host }), port: Number(r.port), protocol: r.protocol };
}

export function To2AddressSection() {
  const client = useQueryClient();
  const current = useQuery({ queryKey: [PATH], queryFn: ({ signal }) => api<To2Address>(PATH, { signal }) });
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const [resetting, setResetting] = useState(false);

  useEffect(() => {
    if (rows === undefined && current.data !== undefined) setRows(current.data.addresses.map(toRow));
  }, [rows, current.data]);

  const update = (i: number, change: Partial<Row>) => setRows((rs) => rs?.map((r, j) => (j === i ? { ...r, ...change } : r)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (rows === undefined) return;
    setSaved(false);
    setRefused(undefined);
    const problem = to2RowsError(rows);
    setInvalid(problem);
    if (problem !== undefined) return;
    try {
      const answer = await api<To2Address>(PATH, { method: 'PUT', body: { addresses: rows.map(toEntry) } });
      client.setQueryData([PATH], answer);
      setRows(answer.addresses.map(toRow));
      setSaved(true);
    } catch (e) {
      setRefused(e);
    }
  }

  return (
    <section aria-labelledby="to2-title">
      <h2 id="to2-title">TO2 address</h2>
      <p className="muted">Where devices run TO2 with this owner; registered with the rendezvous from the next TO0 on.</p>
      {current.error !== null ? <Problem error={current.error} what="the TO2 address" /> : null}
      {current.isLoading || rows === undefined ? (
        current.error === null && <Loading what="the TO2 address" />
      ) : (
        <form onSubmit={submit} noValidate className="onb-form" aria-label="TO2 address">
          <p>
            In force: <strong>{current.data?.source === 'setting' ? 'set here' : "the server's default"}</strong>
          </p>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <fieldset key={i} className="onb-row">
              <legend>Address {i + 1}</legend>
              <label htmlFor={`to2-host-${i}`}>IP address or DNS name</label>
              <input id={`to2-host-${i}`} value={r.host} onChange={(e) => update(i, { host: e.target.value })} />
              <label htmlFor={`to2-port-${i}`}>Port</label>
              <input id={`to2-port-${i}`} inputMode="numeric" value={r.port} onChange={(e) => update(i, { port: e.target.value })} />
              <label htmlFor={`to2-protocol-${i}`}>Protocol</label>
              <select
                id={`to2-protocol-${i}`}
                value={r.protocol}
                onChange={(e) => update(i, { protocol: e.target.value === 'https' ? 'https' : 'http' })}
              >
                <option value="http">http</option>
                <option value="https">https</option>
              </select>
              <button type="button" className="secondary" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                Remove address {i + 1}
              </button>
            </fieldset>
          ))}
          <div>
            <button type="button" className="secondary" onClick={() => setRows([...rows, { host: '', port: '8080', protocol: 'http' }])}>
              Add an address
            </button>
          </div>
          {invalid !== undefined && (
            <p className="error" role="alert">
              {invalid}
            </p>
          )}
          <FormProblem error={refused} id="to2-problem" />
          {saved && (
            <p className="onb-saved" role="status">
              Saved.
            </p>
          )}
          <div className="onb-buttons">
            <button type="submit">Save TO2 address</button>
            {current.data?.source === 'setting' && (
              <button type="button" className="secondary" onClick={() => setResetting(true)}>
                Use the default
              </button>
            )}
          </div>
        </form>
      )}
      <Confirm
        open={resetting}
        title="Use the default TO2 address?"
        message="The stored address is forgotten; the address computed from the server's listen address is registered from the next TO0 on."
        confirmLabel="Use the default"
        onConfirm={async () => {
          const answer = await api<To2Address>(PATH, { method: 'DELETE' });
          client.setQueryData([PATH], answer);
          setRows(answer.addresses.map(toRow));
        }}
        onClose={() => setResetting(false)}
      />
    </section>
  );
}
