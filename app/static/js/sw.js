// Shakirt's service worker, built on Workbox (vendored from npm in /static/vendor/workbox/).
// The server prepends `self.SHAKIRT` = {shell, precache, workbox}: the offline shell's URL, the
// shell files with revisions taken from their bytes, and where Workbox's modules are.
//
// What is kept here: the shell (a page with no user's data in it) and static files. Pages and
// JSON of a signed-in user are never cached (they are `no-store`); the trainee's week and the
// foreman's queue are data the page itself keeps in IndexedDB and clears on sign-out.
/* global workbox */
importScripts(`${self.SHAKIRT.workbox}workbox-sw.js`);
workbox.setConfig({ debug: false, modulePathPrefix: self.SHAKIRT.workbox });

const { core, precaching, routing, strategies, expiration, cacheableResponse } = workbox;

core.setCacheNameDetails({ prefix: "shakirt" });
self.skipWaiting();
core.clientsClaim();

precaching.cleanupOutdatedCaches();
precaching.precacheAndRoute(self.SHAKIRT.precache);

// Pages always come from the network; without one, the shell answers instead.
routing.registerRoute(new routing.NavigationRoute(new strategies.NetworkOnly()));

// Other static files (fonts, vendored scripts of other pages): served at once, refreshed behind.
routing.registerRoute(
  ({ url, request }) => url.origin === self.location.origin
    && url.pathname.startsWith("/static/") && request.method === "GET",
  new strategies.StaleWhileRevalidate({
    cacheName: "shakirt-static",
    plugins: [
      new cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      new expiration.ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 30 * 24 * 3600 }),
    ],
  }),
);

routing.setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") {
    const shell = await precaching.matchPrecache(self.SHAKIRT.shell);
    if (shell) return shell;
  }
  return Response.error();
});
