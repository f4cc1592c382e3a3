// Builds the dashboard into renderer/dist: served by `berth up`'s control server in a browser and
// loaded from disk by the desktop window. Relative asset paths make both work.
// (No node: imports here — lint treats renderer/ as browser code; Vite defines import.meta.dirname
// for its config files.)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: { port: 5173, strictPort: false },
});
