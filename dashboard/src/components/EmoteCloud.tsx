import { useEffect, useMemo, useRef, useState } from 'react';
import type { NamedCount } from '../api/types';
import {
  CLOUD_FONT,
  cloudWords,
  d3CloudLayout,
  type CloudLayout,
  type PlacedWord,
} from '../lib/cloud';
import { formatCount } from '../lib/format';
import { useTheme } from '../hooks/useTheme';

export interface EmoteCloudProps {
  /** Null while loading. */
  emotes: readonly NamedCount[] | null;
  height?: number;
  /** Injected for tests (jsdom has no canvas to measure text with). */
  layout?: CloudLayout;
  /** Loading failed (the error shows in the banner). */
  unavailable?: boolean;
}

/**
 * The range's emotes as a word cloud: font size proportional to the count, laid out by
 * d3-cloud. Words glide to their new places when the counts change.
 */
export function EmoteCloud({
  emotes,
  height = 260,
  layout = d3CloudLayout,
  unavailable = false,
}: EmoteCloudProps) {
  const { palette } = useTheme();
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(420);
  const [placed, setPlaced] = useState<PlacedWord[]>([]);

  useEffect(() => {
    const box = boxRef.current;
    if (!box || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver((entries) => {
      const next = Math.floor(entries[0]?.contentRect.width ?? 0);
      // Re-layout only for real changes, not for each pixel of a window drag.
      if (next > 0) setWidth((prev) => (Math.abs(prev - next) > 24 ? next : prev));
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  const words = useMemo(
    () => cloudWords(emotes ?? [], { maxSize: Math.min(60, Math.round(height / 4.5)) }),
    [emotes, height],
  );
  // Lay out again only when a word or a size changes, not on every identical refresh.
  const signature = words.map((w) => `${w.text}:${w.size}`).join('|');
  const wordsRef = useRef(words);
  useEffect(() => {
    wordsRef.current = words;
  });

  useEffect(() => {
    let cancelled = false;
    const current = wordsRef.current;
    if (current.length === 0) {
      setPlaced([]);
      return undefined;
    }
    layout(current, width, height).then(
      (result) => {
        if (!cancelled) setPlaced(result);
      },
      () => {
        if (!cancelled) setPlaced([]);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [signature, width, height, layout]);

  // Counts can change without the sizes changing: show the latest counts on the placed words.
  const counts = new Map(words.map((w) => [w.text, w.count]));
  const colours = palette.compare;

  return (
    <section className="panel" aria-label="Emote cloud" data-testid="emote-cloud-panel">
      <h2 className="panel-title">
        Emotes
        {words.length > 0 && (
          <span className="panel-title__extra">{words.length} most used · size by count</span>
        )}
      </h2>
      <div ref={boxRef} className="emote-cloud" style={{ height }}>
        {emotes !== null && words.length === 0 && (
          <p className="empty-state muted" data-testid="emote-cloud-empty">
            No emotes in this range yet.
          </p>
        )}
        {emotes === null && (
          <p className="empty-state muted">
            {unavailable ? 'Emotes are not available (see the error above).' : 'Loading emotes…'}
          </p>
        )}
        {placed.length > 0 && (
          <svg
            width={width}
            height={height}
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-label={`Emote cloud: ${words
              .slice(0, 10)
              .map((w) => `${w.text} ${w.count}`)
              .join(', ')}`}
            data-testid="emote-cloud"
          >
            <g transform={`translate(${width / 2},${height / 2})`}>
              {placed.map((w, i) => (
                <text
                  key={w.text}
                  className="emote-word"
                  data-testid="emote-word"
                  data-count={counts.get(w.text) ?? w.count}
                  data-size={w.size}
                  textAnchor="middle"
                  style={{
                    transform: `translate(${w.x}px, ${w.y}px)`,
                    fontSize: w.size,
                    fontFamily: CLOUD_FONT,
                    fill: colours[i % colours.length],
                  }}
                >
                  <title>
                    {w.text}: {formatCount(counts.get(w.text) ?? w.count)}
                  </title>
                  {w.text}
                </text>
              ))}
            </g>
          </svg>
        )}
      </div>
    </section>
  );
}
