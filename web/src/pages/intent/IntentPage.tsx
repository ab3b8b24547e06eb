/** Intent: devices by enforcement state, violations over time, the quarantine queue, the devices, violations and the published MUD files. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { IntentDeviceList } from './IntentDeviceList.tsx';
import { MudFileList } from './MudFileList.tsx';
import { QuarantineHistory } from './QuarantineHistory.tsx';
import { QuarantineQueue } from './QuarantineQueue.tsx';
import { StateCounts } from './StateCounts.tsx';
import type { IntentStats } from './types.ts';
import { ViolationList } from './ViolationList.tsx';
import { ViolationsChart } from './ViolationsChart.tsx';

export function IntentPage() {
  const stats = useQuery({
    queryKey: ['/stats/intent', 24],
    queryFn: ({ signal }) => api<IntentStats>('/stats/intent?hours=24', { signal }),
    refetchInterval: 3000,
  });
  return (
    <section aria-labelledby="intent-title" className="intent">
      <h1 id="intent-title">Intent</h1>
      {stats.error !== null ? <Problem error={stats.error} what="the intent overview" /> : null}
      {stats.data === undefined ? (
        stats.isLoading && <Loading what="the intent overview" />
      ) : (
        <>
          <StateCounts stats={stats.data} />
          <ViolationsChart stats={stats.data} />
        </>
      )}
      <QuarantineQueue />
      <IntentDeviceList />
      <ViolationList />
      <MudFileList />
      <QuarantineHistory />
    </section>
  );
}
