import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

const DAY = 24 * 60 * 60;

export default defineConfig({
  plugins: [
    vue(),
    VitePWA({
      // The person decides when a new version takes over: the outbox lives in IndexedDB and is
      // untouched by an update, but a half-typed report is not, so we never reload on our own.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/favicon-48.png', 'icons/apple-touch-icon-180.png'],
      manifest: {
        id: '/',
        name: 'Resolute — Theo dõi thực hiện nghị quyết',
        short_name: 'Resolute',
        description: 'Báo cáo tiến độ thực hiện nghị quyết, kể cả khi không có mạng.',
        lang: 'vi',
        dir: 'ltr',
        start_url: '/?source=pwa',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#9f1c1c',
        background_color: '#ffffff',
        categories: ['productivity', 'government'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        screenshots: [
          {
            src: '/screenshots/tasks-narrow.png',
            sizes: '720x1600',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'Nhiệm vụ của đơn vị, dùng được khi không có mạng',
          },
          {
            src: '/screenshots/tasks-wide.png',
            sizes: '1280x800',
            type: 'image/png',
            form_factor: 'wide',
            label: 'Nhiệm vụ và trạng thái đồng bộ trên màn hình rộng',
          },
        ],
      },
      workbox: {
        clientsClaim: true,
        skipWaiting: false,
        cleanupOutdatedCaches: true,
        globPatterns: ['**/*.{js,css,html,png,svg,woff2,webmanifest}'],
        globIgnores: ['screenshots/**'],
        // Push and notification clicks (web/public/push-sw.js), beside Workbox's own worker.
        importScripts: ['/push-sw.js'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/graphql/, /^\/files(\/|$)/, /^\/api(\/|$)/, /^\/healthz/],
        runtimeCaching: [
          {
            // Evidence photos the person already opened stay viewable offline for a while.
            urlPattern: ({ url, request }) =>
              url.pathname.startsWith('/files/') && !url.pathname.startsWith('/files/uploads') && request.method === 'GET',
            handler: 'CacheFirst',
            options: {
              cacheName: 'resolute-evidence-v1',
              expiration: { maxEntries: 200, maxAgeSeconds: 30 * DAY, purgeOnQuotaError: true },
              cacheableResponse: { statuses: [200] },
            },
          },
          {
            urlPattern: ({ url }) => url.pathname.startsWith('/screenshots/'),
            handler: 'StaleWhileRevalidate',
            options: {
              cacheName: 'resolute-install-screenshots-v1',
              expiration: { maxEntries: 4, maxAgeSeconds: 7 * DAY },
            },
          },
        ],
      },
    }),
  ],
  build: {
    target: 'es2022',
    // The figure in bench/RESULTS.md is the gzip size of what index.html loads before any route.
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/graphql': 'http://localhost:4000',
      '/files': 'http://localhost:4000',
      '/healthz': 'http://localhost:4000',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
});
