import { useMemo } from 'react';
import type { StreamSummary } from '../api/types';
import { ErrorBanner } from '../components/ErrorBanner';
import { RangePicker } from '../components/RangePicker';
import { TimeChart, type ChartData, type ChartSeries } from '../components/TimeChart';
import { useCompare } from '../hooks/useCompare';
import { useTheme } from '../hooks/useTheme';
import { formatCount, formatRate } from '../lib/format';
import { resolveRange, type RangeSpec } from '../lib/range';
import { MAX_COMPARE } from '../lib/route';
import { alignSeries, toMillis } from '../lib/series';
import { COMPARE_DASHES } from '../lib/theme';
import { samplesToPoints } from '../lib/viewers';

export interface CompareViewProps {
  streams: readonly StreamSummary[];
  /** Channels chosen in the URL; none chosen means the three most watched. */
  ids: readonly string[];
  range: RangeSpec;
  onChange: (ids: string[], range: RangeSpec) => void;
  now: number;
}

export const MIN_COMPARE = 2;

/** The default choice: the most watched channels. */
export function defaultCompareIds(streams: readonly StreamSummary[]): string[] {
  return [...streams]
    .sort((a, b) => (b.viewer_count ?? -1) - (a.viewer_count ?? -1))
    .slice(0, 3)
    .map((s) => s.stream_id);
}

/** 2–4 channels on the same axes: chat rate and viewers, one colour and dash each. */
export default function CompareView({ streams, ids, range, onChange, now }: CompareViewProps) {
  const { palette } = useTheme();
  const chosen = ids.length > 0 ? [...ids] : defaultCompareIds(streams);
  const enough = chosen.length >= MIN_COMPARE;
  const compare = useCompare(enough ? chosen : [], range);

  const chosenKey = chosen.join(',');
  const styles = useMemo(
    () =>
      (chosenKey ? chosenKey.split(',') : []).map((id, i) => ({
        id,
        colour: palette.compare[i % palette.compare.length]!,
        dash: COMPARE_DASHES[i % COMPARE_DASHES.length]!,
      })),
    [chosenKey, palette],
  );

  const metrics = compare.metrics.data;
  const viewerData = compare.viewers.data;
  const chat = useMemo<ChartData>(
    () =>
      alignSeries(
        styles.map(({ id }) =>
          (metrics?.find((m) => m.stream_id === id)?.windows ?? []).map((w) => ({
            t: toMillis(w.window_end) / 1000,
            v: w.messages_per_min,
          })),
        ),
      ),
    [metrics, styles],
  );
  const viewers = useMemo<ChartData>(
    () =>
      alignSeries(
        styles.map(({ id }) =>
          samplesToPoints(viewerData?.find((v) => v.stream_id === id)?.samples ?? []).map((p) => ({
            t: p.t / 1000,
            v: p.v,
          })),
        ),
      ),
    [viewerData, styles],
  );

  const chatSeries = useMemo<ChartSeries[]>(
    () =>
      styles.map((s) => ({
        label: s.id,
        colour: s.colour,
        dash: s.dash,
        format: (v: number) => `${formatRate(v)}/min`,
      })),
    [styles],
  );
  const viewerSeries = useMemo<ChartSeries[]>(
    () => styles.map((s) => ({ label: s.id, colour: s.colour, dash: s.dash, format: formatCount })),
    [styles],
  );

  const resolved = resolveRange(range, now);
  const lastX = Math.max(chat[0].at(-1) ?? 0, viewers[0].at(-1) ?? 0);
  const xRange: [number, number] = [resolved.from / 1000, Math.max(resolved.to / 1000, lastX)];

  const toggle = (id: string) => {
    const next = chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id];
    onChange(next.slice(0, MAX_COMPARE), range);
  };

  return (
    <main className="compare" aria-labelledby="compare-title">
      <header className="view-header">
        <div>
          <h1 id="compare-title">Compare channels</h1>
          <p className="muted">Pick 2 to 4 channels; they share the axes below.</p>
        </div>
        <RangePicker value={range} onChange={(r) => onChange(chosen, r)} />
      </header>

      <ErrorBanner
        errors={[
          { source: 'Chat history', error: compare.metrics.error },
          { source: 'Viewers', error: compare.viewers.error },
        ]}
      />

      <div
        className="chips"
        role="group"
        aria-label="Channels to compare"
        data-testid="compare-picker"
      >
        {streams.map((s) => {
          const index = chosen.indexOf(s.stream_id);
          const selected = index !== -1;
          const style = selected ? styles[index] : undefined;
          return (
            <button
              key={s.stream_id}
              type="button"
              className={`chip${selected ? ' is-selected' : ''}`}
              aria-pressed={selected}
              disabled={!selected && chosen.length >= MAX_COMPARE}
              data-testid="compare-chip"
              data-channel={s.stream_id}
              onClick={() => toggle(s.stream_id)}
            >
              {style && (
                <svg width="22" height="8" aria-hidden="true" className="chip__line">
                  <line
                    x1="1"
                    y1="4"
                    x2="21"
                    y2="4"
                    stroke={style.colour}
                    strokeWidth="3"
                    strokeDasharray={style.dash.join(' ') || undefined}
                  />
                </svg>
              )}
              {s.stream_id}
            </button>
          );
        })}
      </div>

      {!enough ? (
        <p className="panel muted" data-testid="compare-hint">
          Pick at least {MIN_COMPARE} channels to compare.
        </p>
      ) : (
        <>
          <section className="panel" aria-label="Chat rate compared">
            <h2 className="panel-title">Chat rate</h2>
            <TimeChart
              data={chat}
              series={chatSeries}
              testId="compare-chat-chart"
              xRange={xRange}
              yLabel="msg/min"
              yRange={(_min, max) => [0, Math.max(10, max * 1.1)]}
              height={240}
              emptyText={compare.metrics.loading ? 'Loading…' : 'No chat data in this range.'}
              syncKey="compare"
            />
          </section>
          <section className="panel" aria-label="Viewers compared">
            <h2 className="panel-title">Viewers</h2>
            <TimeChart
              data={viewers}
              series={viewerSeries}
              testId="compare-viewers-chart"
              xRange={xRange}
              yLabel="viewers"
              yRange={(_min, max) => [0, Math.max(10, max * 1.1)]}
              height={240}
              emptyText={compare.viewers.loading ? 'Loading…' : 'No viewer samples in this range.'}
              syncKey="compare"
            />
          </section>
        </>
      )}
    </main>
  );
}
