import type { Severity } from '../api/types';

/** Colours the canvas chart needs as values (CSS variables in styles.css mirror them). */
export const chartTheme = {
  text: '#9aa4b2',
  grid: 'rgba(154, 164, 178, 0.14)',
  accent: '#a78bfa',
  accentFill: 'rgba(167, 139, 250, 0.16)',
  severity: {
    low: '#60a5fa',
    medium: '#fbbf24',
    high: '#f87171',
  } satisfies Record<Severity, string>,
};
