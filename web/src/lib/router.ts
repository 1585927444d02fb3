//! A small history-API router: the app has a dozen routes, which a table
//! of patterns like "/projects/:id" serves without a routing library. The
//! server answers every unknown path with index.html, so reloads work.

import { listenerSet, useExternal } from './store';

export type RouteParams = Record<string, string>;

/// The parameters of `path` under `pattern`, or null when it does not match.
export function matchPath(pattern: string, path: string): RouteParams | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(have[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

const store = listenerSet();
/// Navigations made in the page since it loaded: after one, headings take
/// focus; on a fresh load focus stays at the top, where the skip link is.
let clientNavigations = 0;

export function hasNavigatedInPage(): boolean {
  return clientNavigations > 0;
}

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/// The current location, replaced (never mutated) when the URL changes.
let currentLocation: Location | null = null;

function changed() {
  currentLocation = read();
  store.notify();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    clientNavigations += 1;
    changed();
  });
}

export function navigate(to: string, options: { replace?: boolean } = {}) {
  clientNavigations += 1;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  changed();
  // A new page starts at the top, as a full page load would.
  window.scrollTo(0, 0);
}

/// The same path with some query parameters changed (empty ones dropped);
/// filters and pages live in the URL so that Back and reload keep them.
export function withQuery(path: string, query: URLSearchParams, changes: Record<string, string | number | null>) {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(key);
    else next.set(key, String(value));
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}

export function useLocation(): Location {
  return useExternal(store.subscribe, () => (currentLocation ??= read()));
}

/// Follows a same-origin link without reloading, unless the user asked for
/// a new tab or window.
export function onLinkClick(event: MouseEvent, href: string) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(href);
}
