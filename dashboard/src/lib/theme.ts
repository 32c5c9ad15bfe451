import type { Severity, TransactionType } from '../api/types';

export type ThemeName = 'dark' | 'light';

/**
 * Okabe & Ito's palette: eight colours that people with the common colour-vision
 * deficiencies can still tell apart. Every colour the dashboard uses for meaning comes from
 * it, and meaning never rests on colour alone (labels, shapes and dash patterns carry it too).
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
} as const;

/** Colours the canvas charts need as values (the CSS variables in styles.css mirror them). */
export interface ChartPalette {
  text: string;
  grid: string;
  chat: string;
  chatFill: string;
  viewers: string;
  viewersFill: string;
  sentiment: string;
  severity: Record<Severity, string>;
  /** One colour per compared channel, in order; `COMPARE_DASHES` tells them apart too. */
  compare: readonly string[];
  money: Record<TransactionType, string>;
}

const money: Record<TransactionType, string> = {
  subscription: OKABE_ITO.purple,
  gift_sub: OKABE_ITO.orange,
  donation: OKABE_ITO.green,
  bits: OKABE_ITO.skyBlue,
};

export const palettes: Record<ThemeName, ChartPalette> = {
  dark: {
    text: '#a3adbb',
    grid: 'rgba(163, 173, 187, 0.14)',
    chat: OKABE_ITO.skyBlue,
    chatFill: 'rgba(86, 180, 233, 0.14)',
    viewers: OKABE_ITO.orange,
    viewersFill: 'rgba(230, 159, 0, 0.12)',
    sentiment: OKABE_ITO.green,
    severity: { low: OKABE_ITO.skyBlue, medium: OKABE_ITO.yellow, high: OKABE_ITO.vermillion },
    compare: [OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple],
    money,
  },
  light: {
    text: '#4a5260',
    grid: 'rgba(74, 82, 96, 0.14)',
    chat: OKABE_ITO.blue,
    chatFill: 'rgba(0, 114, 178, 0.12)',
    viewers: OKABE_ITO.vermillion,
    viewersFill: 'rgba(213, 94, 0, 0.1)',
    sentiment: OKABE_ITO.green,
    severity: { low: OKABE_ITO.blue, medium: OKABE_ITO.orange, high: OKABE_ITO.vermillion },
    compare: [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple],
    money: { ...money, bits: OKABE_ITO.blue },
  },
};

/** Dash patterns of the compared channels, so lines differ in more than colour. */
export const COMPARE_DASHES: readonly number[][] = [[], [10, 5], [2, 4], [12, 4, 2, 4]];

/** The moment marker's shape by severity: shape and label carry it, not colour alone. */
export const SEVERITY_SHAPES: Record<Severity, 'circle' | 'triangle' | 'diamond'> = {
  low: 'circle',
  medium: 'triangle',
  high: 'diamond',
};

export const THEME_STORAGE_KEY = 'telemetra.theme';

/** The remembered theme; dark unless the user chose light. */
export function storedTheme(): ThemeName {
  try {
    return window.localStorage.getItem(THEME_STORAGE_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

export function rememberTheme(theme: ThemeName): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

/** Puts the theme on <html>, where the CSS variables pick it up. */
export function applyTheme(theme: ThemeName): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
  document
    .querySelector('meta[name="theme-color"]')
    ?.setAttribute('content', theme === 'dark' ? '#0e1117' : '#f6f7f9');
}
