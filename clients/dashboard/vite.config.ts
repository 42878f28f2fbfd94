// Builds the dashboard into dist/, which tonghopd serves with --http. Every
// dependency is bundled: the dashboard must work on networks that reach
// nothing but the server.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a running `tonghopd --http=127.0.0.1:8080`.
    proxy: { '/v1': process.env.TONGHOP_HTTP ?? 'http://127.0.0.1:8080' },
  },
});
