import { useCallback, useSyncExternalStore } from 'react';
import { formatHash, parseHash, type Route } from '../lib/route';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = () => window.location.hash;

/**
 * The view, channels and range named in the URL hash, and a way to go elsewhere. Every
 * choice lands in the URL, so reloads and shared links keep it and Back undoes it.
 */
export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, readHash, () => '');
  const navigate = useCallback((route: Route) => {
    const next = formatHash(route);
    if (next !== window.location.hash) window.location.hash = next;
  }, []);
  return [parseHash(hash), navigate];
}
