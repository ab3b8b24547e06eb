/** Settings: each section only for the roles that may change it (admin sees every one). */
import { allows } from '../../api/me.ts';
import { useSession } from '../../auth/session.tsx';
import { JsonSetting } from './JsonSetting.tsx';
import { To2AddressSection } from './To2Address.tsx';
import { Tokens } from './Tokens.tsx';

const directivesOnly = (a: Record<string, unknown>) => ({ directives: a['directives'] });
// The policy is answered with key fingerprints, which PUT takes back as they are.
const policyWithoutSource = ({ source: _source, ...rest }: Record<string, unknown>) => rest;

export function SettingsPage() {
  const { me } = useSession();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {allows(me, []) && <Tokens />}
      {allows(me, ['owner']) && <To2AddressSection />}
      {allows(me, ['manufacturer']) && (
        <JsonSetting
          id="rv-info"
          title="Rendezvous info"
          help="The rendezvous directives DI writes into new vouchers and device credentials (devices already made keep theirs)."
          path="/manufacturer/rendezvous-info"
          editable={directivesOnly}
        />
      )}
      {allows(me, ['rendezvous']) && (
        <JsonSetting
          id="rv-policy"
          title="Rendezvous policy"
          help="Which vouchers this rendezvous accepts in TO0: open, or only those from trusted manufacturer or owner keys."
          path="/rendezvous/policy"
          editable={policyWithoutSource}
        />
      )}
    </section>
  );
}
