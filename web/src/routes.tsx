/** Which page each path opens. Pages the token's roles may not open are not offered in the navigation. */
import { Redirect, Route, Switch } from 'wouter';
import { FleetPage } from './pages/fleet/FleetPage.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { OnboardingPage } from './pages/onboarding/OnboardingPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';

export function Routes() {
  return (
    <Switch>
      <Route path="/">
        <Redirect to="/fleet" />
      </Route>
      <Route path="/login">
        <Redirect to="/fleet" />
      </Route>
      <Route path="/fleet" component={FleetPage} />
      <Route path="/onboarding" component={OnboardingPage} />
      <Route path="/settings" component={SettingsPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
