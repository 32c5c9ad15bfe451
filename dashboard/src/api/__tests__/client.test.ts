import { describe, expect, it } from 'vitest';
import { streamsPageFixture } from '../../fixtures/streams';
import { fakeFetch, jsonResponse, requestUrl } from '../../testHelpers';
import { ApiError, createApiClient, describeError } from '../client';

describe('api client', () => {
  it('turns a 400 JSON body into an ApiError carrying the server message', async () => {
    const fetch = fakeFetch({
      '/api/v1/streams': () => jsonResponse({ error: 'from must be before to' }, 400),
    });
    const client = createApiClient({ fetch });

    const error = await client
      .getMetrics('pixelqueen', {
        from: '2026-11-24T13:00:00.000Z',
        to: '2026-11-24T12:00:00.000Z',
      })
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toBe('from must be before to');
    expect(apiError.path).toContain('/api/v1/streams/pixelqueen/metrics?');
    expect(describeError(apiError)).toBe('from must be before to (HTTP 400)');
  });

  it('reports a 404 for an unknown stream', async () => {
    const fetch = fakeFetch({
      '/api/v1/streams': () => jsonResponse({ error: 'unknown stream: nobody' }, 404),
    });
    const error = await createApiClient({ fetch })
      .getMoments('nobody')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).isNotFound).toBe(true);
    expect((error as ApiError).message).toBe('unknown stream: nobody');
  });

  it('falls back to the status text when the error body is not JSON', async () => {
    const fetch = fakeFetch({
      '/api/v1/streams': () =>
        new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    const error = await createApiClient({ fetch })
      .listStreams()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).message).toBe('502 Bad Gateway');
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const client = createApiClient({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const error = await client.listStreams().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect(describeError(error)).toBe('Cannot reach the Telemetra server');
  });

  it('sends the paging and range parameters and returns the typed body', async () => {
    const fetch = fakeFetch({ '/api/v1/streams': () => jsonResponse(streamsPageFixture) });
    const client = createApiClient({ fetch });

    const page = await client.listStreams({ page: 2, pageSize: 10 });
    await client.getMoments('a b/c', { from: '2026-11-24T12:00:00.000Z', limit: 5 });

    expect(page.items.map((s) => s.stream_id)).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);
    const urls = fetch.mock.calls.map(([input]) => requestUrl(input));
    expect(urls[0]).toBe('/api/v1/streams?page=2&page_size=10');
    expect(urls[1]).toBe(
      '/api/v1/streams/a%20b%2Fc/moments?from=2026-11-24T12%3A00%3A00.000Z&limit=5',
    );
  });
});
