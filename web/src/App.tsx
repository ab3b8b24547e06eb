import { LoginPage } from './auth/LoginPage.tsx';
import { useSession } from './auth/session.tsx';
import { Shell } from './layout/Shell.tsx';
import { Routes } from './routes.tsx';

export function App() {
  const { me } = useSession();
  if (me === undefined) return <LoginPage />;
  return (
    <Shell>
      <Routes />
    </Shell>
  );
}
