/** Updates: the releases and the campaigns rolling them out. */
import { CampaignsTable } from './CampaignsTable.tsx';
import { ReleasesTable } from './ReleasesTable.tsx';

export function UpdatesPage() {
  return (
    <section aria-labelledby="updates-title">
      <h1 id="updates-title">Updates</h1>
      <CampaignsTable />
      <ReleasesTable />
    </section>
  );
}
