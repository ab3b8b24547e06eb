/**
 * The console's build: React through Vite into web/dist, which `iotopia up` serves. In
 * development (`npm run dev:web`) Vite serves the console and passes /api to a running server.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env['IOTOPIA_SERVER'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or styles: the console's CSP allows only its own files.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': api } },
});
