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

/** The real layout: d3-cloud's spiral placement, horizontal words, loaded on first use. */
export const d3CloudLayout: CloudLayout = async (words, width, height) => {
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
