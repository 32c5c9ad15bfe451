import type { NamedCount } from '../api/types';

export interface CloudWord {
  text: string;
  count: number;
  /** Font size in CSS pixels, proportional to the count. */
  size: number;
}

export interface PlacedWord extends CloudWord {
  /** Centre of the word, relative to the centre of the cloud. */
  x: number;
  y: number;
}

/** Lays words out in a `width` × `height` box; words that do not fit are left out. */
export type CloudLayout = (
  words: readonly CloudWord[],
  width: number,
  height: number,
) => Promise<PlacedWord[]>;

/**
 * Font sizes proportional to the counts: the most used word gets `maxSize`, a word with half
 * its count half that size, never below `minSize` (so rare words stay legible).
 */
export function cloudWords(
  counts: readonly NamedCount[],
  { maxSize = 56, minSize = 11, limit = 40 } = {},
): CloudWord[] {
  const top = [...counts]
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, limit);
  const most = top[0]?.count ?? 0;
  return top.map((c) => ({
    text: c.name,
    count: c.count,
    size: Math.max(minSize, Math.round((maxSize * c.count) / most)),
  }));
}

export const CLOUD_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A small seeded generator, so the same words land in the same places on every update. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A plain layout: words in centred rows, biggest first, widths estimated from the font size.
 * Used where there is no canvas to measure text with (d3-cloud needs one).
 */
export const flowLayout: CloudLayout = (words, width, height) => {
  const gap = 8;
  const rows: Array<{ words: CloudWord[]; width: number; height: number }> = [];
  let row: { words: CloudWord[]; width: number; height: number } = {
    words: [],
    width: 0,
    height: 0,
  };
  for (const w of [...words].sort((a, b) => b.size - a.size)) {
    const ww = w.text.length * w.size * 0.6;
    if (row.words.length > 0 && row.width + gap + ww > width) {
      rows.push(row);
      row = { words: [], width: 0, height: 0 };
    }
    row.width += (row.words.length > 0 ? gap : 0) + ww;
    row.height = Math.max(row.height, w.size * 1.2);
    row.words.push(w);
  }
  if (row.words.length > 0) rows.push(row);
  const fitting: typeof rows = [];
  let total = 0;
  for (const r of rows) {
    if (total + r.height > height) break;
    fitting.push(r);
    total += r.height;
  }
  const placed: PlacedWord[] = [];
  let y = -total / 2;
  for (const r of fitting) {
    let x = -r.width / 2;
    for (const w of r.words) {
      const ww = w.text.length * w.size * 0.6;
      placed.push({ ...w, x: x + ww / 2, y: y + r.height * 0.8 });
      x += ww + gap;
    }
    y += r.height;
  }
  return Promise.resolve(placed);
};

function canMeasureText(): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

/**
 * The real layout: d3-cloud's spiral placement, horizontal words for legibility, loaded on
 * first use. Falls back to {@link flowLayout} where the browser gives no canvas.
 */
export const d3CloudLayout: CloudLayout = async (words, width, height) => {
  if (!canMeasureText()) return flowLayout(words, width, height);
  const { default: cloud } = await import('d3-cloud');
  return new Promise<PlacedWord[]>((resolve) => {
    const layout = cloud<CloudWord & { x?: number; y?: number }>()
      .size([width, height])
      .words(words.map((w) => ({ ...w })))
      .padding(2)
      .rotate(0)
      .font(CLOUD_FONT)
      .fontWeight('700')
      .fontSize((w) => w.size)
      .random(seeded(42))
      .on('end', (placed) => {
        resolve(
          placed.map((w) => ({
            text: w.text,
            count: w.count,
            size: w.size,
            x: w.x ?? 0,
            y: w.y ?? 0,
          })),
        );
      });
    layout.start();
  });
};
