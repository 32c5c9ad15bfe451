import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricsMessage, snapshotMessage } from '../../fixtures/live';
import { FakeSocket } from '../../testHelpers';
import {
  BACKOFF_CAP_MS,
  LiveConnection,
  backoffDelay,
  liveUrl,
  parseLiveMessage,
  type LiveConnectionHandlers,
} from '../live';

describe('parseLiveMessage', () => {
  it('accepts each typed message', () => {
    expect(parseLiveMessage(JSON.stringify(snapshotMessage))?.type).toBe('snapshot');
    expect(parseLiveMessage(JSON.stringify(metricsMessage))?.type).toBe('metrics');
    expect(
      parseLiveMessage(
        '{"type":"viewers","viewer_count":5,"timestamp":"2026-11-24T12:00:00.000Z"}',
      ),
    ).toEqual({ type: 'viewers', viewer_count: 5, timestamp: '2026-11-24T12:00:00.000Z' });
  });

  it('rejects malformed frames and unknown types', () => {
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('[1,2]')).toBeNull();
    expect(parseLiveMessage('{"type":"metrics"}')).toBeNull();
    expect(parseLiveMessage('{"type":"viewers","viewer_count":"many"}')).toBeNull();
    expect(parseLiveMessage('{"type":"chat","text":"hi"}')).toBeNull();
  });
});

describe('liveUrl', () => {
  it('uses wss on https and escapes the id', () => {
    expect(liveUrl('pixel queen', { protocol: 'https:', host: 'tm.example:8443' })).toBe(
      'wss://tm.example:8443/ws/live/pixel%20queen',
    );
    expect(liveUrl('a', { protocol: 'http:', host: '127.0.0.1:8000' })).toBe(
      'ws://127.0.0.1:8000/ws/live/a',
    );
  });

  it('carries the API token as access_token, escaped', () => {
    expect(liveUrl('a', { protocol: 'http:', host: 'h' }, 's3cret/+=')).toBe(
      'ws://h/ws/live/a?access_token=s3cret%2F%2B%3D',
    );
  });
});

describe('backoffDelay', () => {
  it('doubles from 500 ms and never exceeds 10 s', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(backoffDelay(50)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(50, 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelay(3, 0.5)).toBe(3600);
  });
});

describe('LiveConnection', () => {
  let handlers: { [K in keyof LiveConnectionHandlers]: ReturnType<typeof vi.fn> };

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
    handlers = { onOpen: vi.fn(), onMessage: vi.fn(), onClose: vi.fn() };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function connect() {
    const connection = new LiveConnection({
      url: 'ws://test/ws/live/pixelqueen',
      handlers: handlers as unknown as LiveConnectionHandlers,
      createSocket: FakeSocket.factory,
      random: () => 0,
      isOnline: () => true,
    });
    connection.start();
    return connection;
  }

  it('reconnects with growing delays, turns offline after repeated failures, then recovers', () => {
    const connection = connect();
    expect(FakeSocket.instances).toHaveLength(1);

    FakeSocket.latest().serverClose();
    expect(handlers.onClose).toHaveBeenLastCalledWith('reconnecting', 500);
    vi.advanceTimersByTime(499);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);

    FakeSocket.latest().serverClose();
    expect(handlers.onClose).toHaveBeenLastCalledWith('reconnecting', 1000);
    vi.advanceTimersByTime(1000);
    FakeSocket.latest().serverClose();
    expect(handlers.onClose).toHaveBeenLastCalledWith('offline', 2000);
    vi.advanceTimersByTime(2000);

    const socket = FakeSocket.latest();
    socket.open();
    expect(handlers.onOpen).toHaveBeenLastCalledWith(false);
    socket.receive(snapshotMessage);
    expect(handlers.onMessage).toHaveBeenCalledWith(snapshotMessage);

    // Data arrived, so the next failure starts the backoff from the beginning again.
    socket.serverClose();
    expect(handlers.onClose).toHaveBeenLastCalledWith('reconnecting', 500);
    vi.advanceTimersByTime(500);
    FakeSocket.latest().open();
    expect(handlers.onOpen).toHaveBeenLastCalledWith(true);
    connection.stop();
  });

  it('closes the socket on stop and does not reconnect', () => {
    const connection = connect();
    const socket = FakeSocket.latest();
    socket.open();
    connection.stop();
    expect(socket.closedByClient).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(handlers.onClose).not.toHaveBeenCalled();
  });

  it('ignores frames it cannot parse', () => {
    connect();
    const socket = FakeSocket.latest();
    socket.open();
    socket.receive('garbage');
    socket.receive({ type: 'unknown' });
    expect(handlers.onMessage).not.toHaveBeenCalled();
  });
});
