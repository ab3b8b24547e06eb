/** Which page each path opens. Pages the token's roles may not open are not offered in the navigation. */
import { Redirect, Route, Switch } from 'wouter';
import { AssessmentPage } from './pages/compliance/AssessmentPage.tsx';
import { CompliancePage } from './pages/compliance/CompliancePage.tsx';
import { ProductPage } from './pages/compliance/ProductPage.tsx';
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
      <Route path="/compliance" component={CompliancePage} />
      <Route path="/compliance/products/:model" component={ProductPage} />
      <Route path="/compliance/assessments/:id" component={AssessmentPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
