/**
 * On a server started with `iotopia up --demo`: a line that says the fleet is a demo, whether it
 * is still being seeded, and whether the devices' MUD intent is enforced by this host's nftables
 * or judged on simulated flows only. Other servers answer `{ demo: false }` and nothing shows.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';

interface DemoState {
  demo: boolean;
  intentMode?: 'simulated' | 'enforced';
  phase?: 'seeding' | 'ready';
  step?: string;
}

export function DemoBanner() {
  const { data } = useQuery({
    queryKey: ['/demo'],
    queryFn: ({ signal }) => api<DemoState>('/demo', { signal }),
    refetchInterval: (q) => (q.state.data?.demo === true && q.state.data.phase !== 'ready' ? 2000 : 30_000),
  });
  if (data?.demo !== true) return null;
  const intent =
    data.intentMode === 'enforced'
      ? 'intent is enforced by this host’s nftables'
      : 'intent is judged on simulated flows (nothing is enforced on this machine)';
  const phase = data.phase === 'ready' ? 'seeded' : `seeding${data.step === undefined ? '' : `: ${data.step}`}`;
  return (
    <p className="demo-banner" role="status">
      <strong>Demo fleet</strong> ({phase}); {intent}.
    </p>
  );
}
