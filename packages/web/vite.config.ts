// The browser app's build. `npm run build` writes dist/, which the server serves at `/`; `npm run
// dev -w @poms/web` serves the sources with the API proxied to a server on :8080.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The editor (CodeMirror, React Flow, elkjs) is one large lazily loaded chunk by design.
    chunkSizeWarningLimit: 3000,
    // Rolldown's plugin timing report is noise in every build (the worker's bundling dominates).
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
