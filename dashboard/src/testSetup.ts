import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// jsdom has no canvas (and says so on the console): report none, quietly, as some browsers do.
HTMLCanvasElement.prototype.getContext = (() =>
  null) as typeof HTMLCanvasElement.prototype.getContext;

afterEach(() => {
  cleanup();
  window.location.hash = '';
  window.localStorage.clear();
});
