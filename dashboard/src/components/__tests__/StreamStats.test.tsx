import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { viewersFixture } from '../../fixtures/viewers';
import { samplesToPoints, streamStats } from '../../lib/viewers';
import { StreamStats } from '../StreamStats';

describe('StreamStats', () => {
  it('shows peak, average and hours watched of the viewer series, and the uptime', () => {
    const stats = streamStats(samplesToPoints(viewersFixture.samples));
    render(<StreamStats stats={stats} uptimeMs={(3 * 3600 + 125) * 1000} />);
    expect(screen.getByTestId('stat-peak').textContent).toContain('300');
    expect(screen.getByTestId('stat-average').textContent).toContain('200');
    expect(screen.getByTestId('stat-hours').textContent).toContain('13.3');
    expect(screen.getByTestId('stat-hours').textContent).toContain('over 4 min 00 s');
    expect(screen.getByTestId('stat-uptime').textContent).toContain('3 h 02 min');
  });

  it('shows dashes before any sample and Offline without a live stream', () => {
    render(<StreamStats stats={streamStats([])} uptimeMs={null} />);
    expect(screen.getByTestId('stat-peak').textContent).toContain('–');
    expect(screen.getByTestId('stat-uptime').textContent).toContain('Offline');
  });
});
