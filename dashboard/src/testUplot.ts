import { vi } from 'vitest';

/**
 * A stand-in for uPlot in jsdom (which has no canvas): records what the components give it.
 * Use with `vi.mock('uplot', () => import('<path>/testUplot'))`.
 */
export default class FakePlot {
  static pxRatio = 1;
  static instances: FakePlot[] = [];
  width: number;
  setData = vi.fn();
  setScale = vi.fn();
  redraw = vi.fn();
  destroy = vi.fn();
  setSize = vi.fn();

  constructor(
    public opts: { width: number; series: Array<{ label?: string; stroke?: string }> },
    public data: unknown,
    target: HTMLElement,
  ) {
    this.width = opts.width;
    target.appendChild(document.createElement('canvas'));
    FakePlot.instances.push(this);
  }

  /** Series labels, without the x series. */
  get labels(): Array<string | undefined> {
    return this.opts.series.slice(1).map((s) => s.label);
  }
}
