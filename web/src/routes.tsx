/** Which page each path opens. Pages the token's roles may not open are not offered in the navigation. */
import { Redirect, Route, Switch } from 'wouter';
import { useSession } from './auth/session.tsx';
import { homePath } from './nav.ts';
import { AssessmentPage } from './pages/compliance/AssessmentPage.tsx';
import { CompliancePage } from './pages/compliance/CompliancePage.tsx';
import { ProductPage } from './pages/compliance/ProductPage.tsx';
import { DevicePage } from './pages/device/DevicePage.tsx';
import { FleetPage } from './pages/fleet/FleetPage.tsx';
import { IntentPage } from './pages/intent/IntentPage.tsx';
import { MudFilePage } from './pages/intent/MudFilePage.tsx';
import { ViolationPage } from './pages/intent/ViolationPage.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { OnboardingPage } from './pages/onboarding/OnboardingPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';
import { CampaignPage } from './pages/updates/CampaignPage.tsx';
import { UpdatesPage } from './pages/updates/UpdatesPage.tsx';

export function Routes() {
  const home = homePath(useSession().me);
  return (
    <Switch>
      <Route path="/">
        <Redirect to={home} />
      </Route>
      <Route path="/login">
        <Redirect to={home} />
      </Route>
      <Route path="/fleet" component={FleetPage} />
      <Route path="/updates" component={UpdatesPage} />
      <Route path="/updates/campaigns/:id" component={CampaignPage} />
      <Route path="/intent" component={IntentPage} />
      <Route path="/intent/violations/:id" component={ViolationPage} />
      <Route path="/intent/mud-files/:name" component={MudFilePage} />
      <Route path="/devices/:guid" component={DevicePage} />
      <Route path="/compliance" component={CompliancePage} />
      <Route path="/compliance/products/:model" component={ProductPage} />
      <Route path="/compliance/assessments/:id" component={AssessmentPage} />
      <Route path="/onboarding" component={OnboardingPage} />
      <Route path="/settings" component={SettingsPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
