import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConnectionStatus } from '../ConnectionStatus';

describe('ConnectionStatus', () => {
  it('exposes the state and the retry delay', () => {
    const { rerender } = render(<ConnectionStatus state="connected" />);
    const el = screen.getByTestId('connection-status');
    expect(el.dataset.state).toBe('connected');
    expect(el.textContent).toBe('Connected');

    rerender(<ConnectionStatus state="reconnecting" retryInMs={4000} />);
    expect(screen.getByTestId('connection-status').dataset.state).toBe('reconnecting');
    expect(screen.getByTestId('connection-status').textContent).toContain('retrying in 4 s');

    rerender(<ConnectionStatus state="offline" retryInMs={10_000} />);
    expect(screen.getByTestId('connection-status').dataset.state).toBe('offline');
  });
});
