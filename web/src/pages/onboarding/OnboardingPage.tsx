/**
 * Onboarding: the devices' funnel, the rate of TO2s, vouchers by state, TO0 health, and the lists
 * behind them that the token's roles may read. Figures refresh every 5 s.
 */
import { useState } from 'react';
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { Time } from '../../components/Time.tsx';
import { Funnel } from './Funnel.tsx';
import { OwnerVouchers } from './OwnerVouchers.tsx';
import { RateChart } from './RateChart.tsx';
import { Registrations } from './Registrations.tsx';
import { useOnboardingStats } from './stats.ts';
import { To0Health } from './To0Health.tsx';
import { VoucherStates } from './VoucherStates.tsx';

export function OnboardingPage() {
  const { me } = useSession();
  const [hours, setHours] = useState(24);
  const stats = useOnboardingStats(hours);
  const s = stats.data;
  return (
    <section aria-labelledby="onboarding-title">
      <h1 id="onboarding-title">Onboarding</h1>
      {stats.error !== null ? <Problem error={stats.error} what="the onboarding figures" /> : null}
      {stats.isLoading && <Loading what="onboarding figures" />}
      {s !== undefined && (
        <>
          <p className="muted">
            Counted at <Time at={s.at} />; refreshed every 5 seconds.
          </p>
          <Funnel funnel={s.funnel} />
          <RateChart series={s.onboardedPerHour} hours={hours} onHours={setHours} />
          <VoucherStates vouchers={s.vouchers} />
          {allows(me, ['owner', 'auditor']) && <To0Health to0={s.to0} />}
        </>
      )}
      {allows(me, ['owner']) && <OwnerVouchers />}
      {allows(me, ['rendezvous']) && <Registrations counts={s?.rendezvous} />}
    </section>
  );
}
