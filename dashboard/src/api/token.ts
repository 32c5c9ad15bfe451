/**
 * The API token of a server started with `--api-token`. It is kept for the browser tab
 * only (session storage), sent as `Authorization: Bearer` on REST calls and as
 * `?access_token=` on WebSockets (browsers cannot set headers on those).
 */
const STORAGE_KEY = 'telemetra.apiToken';

/** Dispatched on `window` when the server answers 401: the app then asks for a token. */
export const UNAUTHORIZED_EVENT = 'telemetra:unauthorized';

export function loadToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: no token, the server's 401 will say so
  }
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(STORAGE_KEY, token.trim());
}

export function clearToken(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

/** Tells the app that the server wants a (different) token. */
export function announceUnauthorized(): void {
  window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
}
