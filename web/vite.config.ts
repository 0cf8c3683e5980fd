import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in web/ and is built into dist/web, which the Fastify process serves at `/`.
// During development the Vite server forwards API and docs requests to a locally running server
// (`npm run dev`, port 3000 by default) so cookies stay same-origin exactly as in production.
const apiOrigin = process.env.COVERWISE_API_ORIGIN ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': apiOrigin,
      '/docs': apiOrigin,
      '/openapi.json': apiOrigin,
    },
  },
});
