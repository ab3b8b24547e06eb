/** Which page each path opens. Pages the token's roles may not open are not offered in the navigation. */
import { Redirect, Route, Switch } from 'wouter';
import { DevicePage } from './pages/device/DevicePage.tsx';
import { FleetPage } from './pages/fleet/FleetPage.tsx';
import { NotFound } from './pages/NotFound.tsx';

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
      <Route path="/devices/:guid" component={DevicePage} />
      <Route component={NotFound} />
    </Switch>
  );
}
