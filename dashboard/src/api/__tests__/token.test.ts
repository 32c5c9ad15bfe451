import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonResponse } from '../../testHelpers';
import { ApiError, createApiClient } from '../client';
import { clearToken, saveToken, UNAUTHORIZED_EVENT } from '../token';

/** A fetch that answers `body` and remembers the Authorization header it was sent. */
function recordingFetch(body: unknown) {
  const seen: Array<string | undefined> = [];
  const fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
    seen.push((init?.headers as Record<string, string> | undefined)?.Authorization);
    return Promise.resolve(jsonResponse(body));
  };
  return { fetch: fetch, seen };
}

describe('API token', () => {
  afterEach(() => clearToken());

  it('is sent as a bearer token once saved, and not before', async () => {
    const page = { items: [], page: 1, page_size: 50, total: 0 };
    const { fetch, seen } = recordingFetch(page);
    const client = createApiClient({ fetch });
    await client.listStreams();
    saveToken('  s3cret  ');
    await client.listStreams();
    expect(seen).toEqual([undefined, 'Bearer s3cret']);
  });

  it('a 401 tells the app to ask for a token', async () => {
    const listener = vi.fn();
    window.addEventListener(UNAUTHORIZED_EVENT, listener);
    const fetch = fakeFetch({
      '/api/v1/streams': () => jsonResponse({ error: 'missing or invalid API token' }, 401),
    });
    const error = await createApiClient({ fetch })
      .listStreams()
      .catch((e: unknown) => e);
    window.removeEventListener(UNAUTHORIZED_EVENT, listener);
    expect((error as ApiError).status).toBe(401);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('other errors do not', async () => {
    const listener = vi.fn();
    window.addEventListener(UNAUTHORIZED_EVENT, listener);
    const fetch = fakeFetch({ '/api/v1/streams': () => jsonResponse({ error: 'x' }, 403) });
    await createApiClient({ fetch })
      .listStreams()
      .catch(() => undefined);
    window.removeEventListener(UNAUTHORIZED_EVENT, listener);
    expect(listener).not.toHaveBeenCalled();
  });
});
