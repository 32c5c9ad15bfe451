import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { ErrorBanner } from '../ErrorBanner';

describe('ErrorBanner', () => {
  it('shows the server message of each error that is set', () => {
    render(
      <ErrorBanner
        errors={[
          { source: 'Channels', error: null },
          { source: 'Moments', error: new ApiError(404, 'unknown stream: nobody', '/x') },
        ]}
      />,
    );
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toBe('Moments: unknown stream: nobody (HTTP 404)');
  });

  it('renders nothing without errors', () => {
    const { container } = render(<ErrorBanner errors={[{ source: 'Channels', error: null }]} />);
    expect(container.innerHTML).toBe('');
  });
});
