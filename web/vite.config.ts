/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Preact's JSX goes through esbuild directly: no framework plugin needed.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    // dist/.gitignore is committed so that `cargo build` finds the folder
    // without Node; scripts/clean.mjs removes the old build instead.
    emptyOutDir: false,
    assetsInlineLimit: 0,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` talks to a `mangrove serve` on the default port,
    // the market's WebSocket stream included.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
