// Vite builds the single page into the coordinator's binary (coordinator/dashboard/embed_assets.cmake):
// relative asset paths, no source maps, one chunk per entry, nothing loaded from other origins.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: 0,
  },
});
