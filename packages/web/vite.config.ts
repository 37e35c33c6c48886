import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The admin console. `npm run build -w @omnicx/web` writes dist/, which the server serves at `/`.
// `npm run dev -w @omnicx/web` proxies the API to a running `omnicx start` (OMNICX_API, default :8080).
const api = process.env.OMNICX_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': api, '/v1': api, '/s': api },
  },
});
