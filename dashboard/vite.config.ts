import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Rust server serves the built files at `/` and the API on the same origin, so the
// app only uses relative URLs. In development, Vite forwards those paths to a local server.
const devServer = process.env.TELEMETRA_DEV_SERVER ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: devServer, changeOrigin: true },
      '/health': { target: devServer, changeOrigin: true },
      '/ws': { target: devServer, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    // The server embeds dist/; source maps would triple its size for little use in production.
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testSetup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
