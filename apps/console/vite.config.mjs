// The console and the /docs page: a front-end app of its own, built into dist/console, which the gateway serves as
// static files (it never imports this code). `npm run build` runs this after the server build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [svelte()],
  logLevel: 'warn',
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
    rollupOptions: { input: { console: here('index.html'), docs: here('docs.html') } },
  },
});
