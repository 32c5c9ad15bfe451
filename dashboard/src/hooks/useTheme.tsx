import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import {
  applyTheme,
  palettes,
  rememberTheme,
  storedTheme,
  type ChartPalette,
  type ThemeName,
} from '../lib/theme';

interface ThemeValue {
  theme: ThemeName;
  palette: ChartPalette;
  toggle: () => void;
}

const ThemeContext = createContext<ThemeValue>({
  theme: 'dark',
  palette: palettes.dark,
  toggle: () => undefined,
});

/** Dark by default; the choice is remembered in localStorage and applied to <html>. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<ThemeName>(storedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const toggle = useCallback(() => {
    setTheme((current) => {
      const next = current === 'dark' ? 'light' : 'dark';
      rememberTheme(next);
      return next;
    });
  }, []);
  const value = useMemo(() => ({ theme, palette: palettes[theme], toggle }), [theme, toggle]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeValue {
  return useContext(ThemeContext);
}
