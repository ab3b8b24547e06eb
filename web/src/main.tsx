/** The console's entry: the query cache, the session and the pages. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { isAuthFailure } from './api/problem.ts';
import { SessionProvider } from './auth/session.tsx';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 2000,
      // A refused token or a missing item does not get better by asking again.
      retry: (count, error) => !isAuthFailure(error) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
