import { describe, expect, it } from 'vitest';
import { emotesFixture } from '../../fixtures/emotes';
import { cloudWords } from '../cloud';

describe('emote cloud sizes', () => {
  it('makes font sizes proportional to the counts', () => {
    const words = cloudWords(emotesFixture.emotes, { maxSize: 64, minSize: 8 });
    expect(words.map((w) => [w.text, w.size])).toEqual([
      ['PogChamp', 64],
      ['KEKW', 32],
      ['LUL', 16],
      ['catJAM', 8],
    ]);
    for (const w of words) expect(w.size / w.count).toBeCloseTo(64 / 400, 6);
  });

  it('keeps rare words legible and drops zero counts', () => {
    const words = cloudWords(
      [
        { name: 'big', count: 1000 },
        { name: 'rare', count: 1 },
        { name: 'none', count: 0 },
      ],
      { maxSize: 50, minSize: 11 },
    );
    expect(words.map((w) => [w.text, w.size])).toEqual([
      ['big', 50],
      ['rare', 11],
    ]);
  });
});
