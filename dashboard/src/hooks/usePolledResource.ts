import { useEffect, useRef, useState } from 'react';
import { isAbortError } from '../api/client';

export interface PolledResource<T> {
  /** The latest data for the current key; kept while a refresh fails. */
  data: T | undefined;
  /** The error of the latest attempt, cleared by the next success. */
  error: unknown;
  /** True until the first answer (data or error) for the current key. */
  loading: boolean;
}

export interface PollOptions {
  /** Time between the end of one request and the start of the next; 0 loads once. */
  intervalMs: number;
  /** Changing it reloads at once (e.g. after the live connection came back). */
  reloadToken?: number;
}

interface State<T> {
  key: string | null;
  data: T | undefined;
  error: unknown;
}

/**
 * Loads a resource and refreshes it every `intervalMs`, one request at a time. `key` names
 * the resource hierarchically (e.g. `streams/pixelqueen/metrics`): a new key drops the old
 * data and starts over, null pauses. In-flight requests are aborted on unmount or key change.
 */
export function usePolledResource<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  { intervalMs, reloadToken = 0 }: PollOptions,
): PolledResource<T> {
  const [state, setState] = useState<State<T>>({ key: null, data: undefined, error: null });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const tick = async () => {
      try {
        const data = await loadRef.current(controller.signal);
        if (controller.signal.aborted) return;
        setState({ key, data, error: null });
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) return;
        setState((prev) => ({ key, data: prev.key === key ? prev.data : undefined, error }));
      }
      if (intervalMs > 0 && !controller.signal.aborted) {
        timer = setTimeout(() => void tick(), intervalMs);
      }
    };
    void tick();

    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key, intervalMs, reloadToken]);

  const current = state.key === key ? state : null;
  return {
    data: current?.data,
    error: current?.error ?? null,
    loading: key !== null && current === null,
  };
}
