import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/ApiContext';
import { ApiError, createApiClient } from '../../api/client';
import { streamsPageFixture } from '../../fixtures/streams';
import { fakeFetch, jsonResponse } from '../../testHelpers';
import { useStreams } from '../useStreams';

function wrapperFor(fetchImpl: typeof fetch) {
  const client = createApiClient({ fetch: fetchImpl });
  return ({ children }: { children: ReactNode }) => (
    <ApiProvider client={client}>{children}</ApiProvider>
  );
}

describe('useStreams', () => {
  it('loads the channel list and polls it again', async () => {
    const fetch = fakeFetch({ '/api/v1/streams': () => jsonResponse(streamsPageFixture) });
    const { result } = renderHook(() => useStreams(20), { wrapper: wrapperFor(fetch) });

    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.data?.items).toHaveLength(3));
    expect(result.current.loading).toBe(false);
    await waitFor(() => expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(3));
  });

  it('keeps the last list and exposes the ApiError when a refresh fails', async () => {
    let fail = false;
    const fetch = fakeFetch({
      '/api/v1/streams': () =>
        fail ? jsonResponse({ error: 'database is busy' }, 503) : jsonResponse(streamsPageFixture),
    });
    const { result } = renderHook(() => useStreams(20), { wrapper: wrapperFor(fetch) });
    await waitFor(() => expect(result.current.data?.items).toHaveLength(3));

    fail = true;
    await waitFor(() => expect(result.current.error).toBeInstanceOf(ApiError));
    expect((result.current.error as ApiError).message).toBe('database is busy');
    expect(result.current.data?.items).toHaveLength(3);
  });
});
