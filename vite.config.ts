import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the renderer into dist/renderer. Relative asset paths let the same build load from
 * `switchboard serve` and from the desktop shell's file URL; no inline script is emitted, so the
 * strict CSP `script-src 'self'` holds.
 */
export default defineConfig(({ mode }) => ({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: mode !== 'production',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2_000,
  },
}));
