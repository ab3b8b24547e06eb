/** The voucher's chain of owners, drawn manufacturer → owner → … → the current owner. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import type { ChainLink, VoucherChainView } from './types.ts';

const short = (f: string | null) => (f === null ? 'key does not decode' : `${f.slice(0, 16)}…`);

function linkName(l: ChainLink): string {
  if (l.role === 'manufacturer') return 'Manufacturer';
  const name = l.replacement === true ? 'Owner after onboarding' : `Owner ${(l.entry ?? 0) + 1}`;
  return l.current ? `${name} (current)` : name;
}

export function VoucherChain({ guid }: { guid: string }) {
  const chain = useQuery({
    queryKey: ['device', guid, 'voucher-chain'],
    queryFn: ({ signal }) => api<VoucherChainView>(`/devices/${guid}/voucher-chain`, { signal }),
  });
  return (
    <div className="voucher-chain">
      <h3 id="voucher-chain-title">Voucher chain</h3>
      {chain.isLoading && <Loading what="the voucher chain" />}
      {chain.error !== null &&
        (chain.error instanceof ApiError && chain.error.status === 404 ? (
          <p className="muted">This server keeps no voucher for the device.</p>
        ) : (
          <Problem error={chain.error} what="the voucher chain" />
        ))}
      {chain.data !== undefined && (
        <>
          <p className="muted">
            The {chain.data.side}'s copy ({chain.data.state}), device info “{chain.data.deviceInfo}”: {chain.data.links.length - 1} transfer
            {chain.data.links.length === 2 ? '' : 's'} of ownership.
          </p>
          <ol className="chain" aria-labelledby="voucher-chain-title">
            {chain.data.links.map((l, i) => (
              <li key={`${l.role}-${l.entry ?? 'm'}`} className={l.current ? 'current' : undefined}>
                {i > 0 && (
                  <span className="arrow" aria-hidden="true">
                    →
                  </span>
                )}
                <span className="link-box">
                  <strong>{linkName(l)}</strong>
                  <span className="muted">{l.keyType}</span>
                  <span className="mono" title={l.fingerprint ?? undefined}>
                    {short(l.fingerprint)}
                  </span>
                </span>
              </li>
            ))}
          </ol>
          {chain.data.replacement !== undefined && (
            <p>
              Onboarding gave the device a new voucher under GUID <span className="mono">{chain.data.replacement.guid}</span> (
              {chain.data.replacement.state}).
            </p>
          )}
        </>
      )}
    </div>
  );
}
