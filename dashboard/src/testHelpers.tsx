import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { vi } from 'vitest';
import { ApiProvider } from './api/ApiContext';
import { createApiClient } from './api/client';

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The URL a `fetch` call was made with, whatever form the input took. */
export function requestUrl(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

export type Route = (url: URL) => Response | Promise<Response>;

/**
 * A `fetch` that answers by path (longest matching prefix wins) and records every call.
 * Unknown paths get a 404 with the server's error shape.
 */
export function fakeFetch(routes: Record<string, Route>) {
  return vi.fn((input: RequestInfo | URL) => {
    const url = new URL(requestUrl(input), 'http://dashboard.test');
    const match = Object.keys(routes)
      .filter((path) => url.pathname === path || url.pathname.startsWith(`${path}/`))
      .sort((a, b) => b.length - a.length)[0];
    const route = match === undefined ? undefined : routes[match];
    return Promise.resolve(route ? route(url) : jsonResponse({ error: 'no such route' }, 404));
  });
}

/** Renders with a fresh API client around the given fake `fetch`. */
export function renderWithApi(
  ui: ReactElement,
  fetchImpl: typeof fetch,
  options?: Omit<RenderOptions, 'wrapper'>,
) {
  const client = createApiClient({ fetch: fetchImpl });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ApiProvider client={client}>{children}</ApiProvider>
  );
  return { client, ...render(ui, { wrapper, ...options }) };
}

/**
 * A WebSocket stand-in the test drives by hand: `open()`, `receive(message)`, `serverClose()`.
 */
export class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedByClient = false;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('No socket was opened.');
    return socket;
  }

  /** For `createSocket` options: typed as the browser's WebSocket. */
  static factory = (url: string): WebSocket => new FakeSocket(url) as unknown as WebSocket;

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  receive(message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.(new MessageEvent('message', { data }));
  }

  serverClose(): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code: 1006 }));
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }
}
