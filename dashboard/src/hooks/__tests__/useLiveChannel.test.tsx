import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  metricsMessage,
  momentMessage,
  snapshotMessage,
  viewersMessage,
} from '../../fixtures/live';
import { windowFixture } from '../../fixtures/metrics';
import { FakeSocket } from '../../testHelpers';
import { useLiveChannel } from '../useLiveChannel';

const options = { createSocket: FakeSocket.factory };

describe('useLiveChannel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects to the channel and applies snapshot, metrics, viewers and moment messages', () => {
    const { result } = renderHook(() => useLiveChannel('pixelqueen', options));
    expect(result.current.status).toBe('reconnecting');
    const socket = FakeSocket.latest();
    expect(socket.url).toMatch(/^ws:\/\/[^/]+\/ws\/live\/pixelqueen$/);

    act(() => socket.open());
    expect(result.current.status).toBe('connected');

    act(() => socket.receive(snapshotMessage));
    expect(result.current.viewerCount).toBe(12843);
    expect(result.current.windows.map((w) => w.messages_per_min)).toEqual([90]);
    expect(result.current.moments.map((m) => m.moment_id)).toEqual(['m-live-1']);

    // A metrics message with the same window_start replaces the running window.
    act(() => socket.receive(metricsMessage));
    expect(result.current.windows).toHaveLength(1);
    expect(result.current.windows[0]?.messages_per_min).toBe(140);

    // A later window is appended after it.
    act(() =>
      socket.receive({
        type: 'metrics',
        window: windowFixture('2026-11-24T12:29:10.000Z', {
          messages_per_min: 60,
          is_final: false,
        }),
      }),
    );
    expect(result.current.windows.map((w) => w.messages_per_min)).toEqual([140, 60]);

    act(() => socket.receive(viewersMessage));
    expect(result.current.viewerCount).toBe(13001);

    act(() => socket.receive(momentMessage));
    expect(result.current.moments.map((m) => m.moment_id)).toEqual(['m-live-2', 'm-live-1']);
  });

  it('reconnects after the server closes and counts the reconnection', () => {
    const { result } = renderHook(() => useLiveChannel('pixelqueen', options));
    act(() => FakeSocket.latest().open());
    act(() => FakeSocket.latest().receive(snapshotMessage));
    expect(result.current.reconnects).toBe(0);

    act(() => FakeSocket.latest().serverClose());
    expect(result.current.status).toBe('reconnecting');
    expect(result.current.retryInMs).toBeGreaterThan(0);
    // Live data received before the drop stays on screen.
    expect(result.current.viewerCount).toBe(12843);

    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(FakeSocket.instances).toHaveLength(2);
    act(() => FakeSocket.latest().open());
    expect(result.current.status).toBe('connected');
    expect(result.current.reconnects).toBe(1);
  });

  it('closes the socket on unmount and when the channel changes', () => {
    const { rerender, unmount, result } = renderHook(
      ({ id }: { id: string }) => useLiveChannel(id, options),
      { initialProps: { id: 'pixelqueen' } },
    );
    const first = FakeSocket.latest();
    act(() => first.open());
    act(() => first.receive(snapshotMessage));

    rerender({ id: 'chefmarco' });
    expect(first.closedByClient).toBe(true);
    const second = FakeSocket.latest();
    expect(second.url).toMatch(/\/ws\/live\/chefmarco$/);
    // Nothing of the previous channel leaks into the new one.
    expect(result.current.streamId).toBe('chefmarco');
    expect(result.current.viewerCount).toBeNull();
    expect(result.current.status).toBe('reconnecting');

    unmount();
    expect(second.closedByClient).toBe(true);
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(FakeSocket.instances).toHaveLength(2);
  });
});
