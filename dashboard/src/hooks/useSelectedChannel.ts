import { useCallback, useSyncExternalStore } from 'react';

const PREFIX = '#/channel/';

/** `#/channel/<id>` → id; anything else → null. */
export function channelFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  const raw = hash.slice(PREFIX.length);
  if (raw.length === 0) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function hashForChannel(streamId: string): string {
  return PREFIX + encodeURIComponent(streamId);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = () => window.location.hash;

/** The channel named in the URL hash, and a setter that records a choice there (and in history). */
export function useSelectedChannel(): [string | null, (streamId: string) => void] {
  const hash = useSyncExternalStore(subscribe, readHash, () => '');
  const select = useCallback((streamId: string) => {
    window.location.hash = hashForChannel(streamId);
  }, []);
  return [channelFromHash(hash), select];
}

/** Writes the default choice into the URL without adding a history entry. */
export function replaceSelectedChannel(streamId: string): void {
  const url = new URL(window.location.href);
  url.hash = hashForChannel(streamId);
  window.history.replaceState(window.history.state, '', url);
  // replaceState fires no event; tell the subscribers so the choice sticks when the list reorders.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
