import { describe, expect, it } from 'vitest';
import type { MetricsWindow } from '../../api/types';
import { activeRoomModes, moderationTotals } from '../moderation';

function win(startS: number, timeouts: number, bans = 0): MetricsWindow {
  return {
    stream_id: 'a',
    window_start: new Date(startS * 1000).toISOString(),
    window_end: new Date((startS + 60) * 1000).toISOString(),
    message_count: 0,
    messages_per_min: 0,
    unique_chatters: 0,
    emote_count: 0,
    top_emotes: [],
    top_chatters: [],
    sentiment_score: null,
    positive_count: 0,
    neutral_count: 0,
    negative_count: 0,
    viewer_last: null,
    viewer_min: null,
    viewer_max: null,
    viewer_avg: null,
    transaction_count: 0,
    transaction_amount: 0,
    moderation: { timeouts, bans, clears: 0, deletions: 0 },
    is_final: true,
  };
}

describe('moderationTotals', () => {
  it('sums windows that do not overlap, so sliding windows are not counted six times', () => {
    // Windows every 10 s, 60 s long: only those starting at 0 and 60 form the chain.
    const windows = [0, 10, 20, 30, 40, 50, 60].map((s) => win(s, 1, s === 60 ? 2 : 0));
    expect(moderationTotals(windows)).toEqual({ timeouts: 2, bans: 2, clears: 0, deletions: 0 });
  });

  it('treats windows from servers without the field as zero', () => {
    const old = { ...win(0, 0), moderation: undefined };
    expect(moderationTotals([old]).timeouts).toBe(0);
  });
});

describe('activeRoomModes', () => {
  it('lists the modes that are on', () => {
    expect(
      activeRoomModes({
        emote_only: true,
        slow_seconds: 30,
        followers_only_minutes: 10,
        subs_only: false,
      }),
    ).toEqual(['Emote-only', 'Followers-only 10 min', 'Slow 30s']);
    expect(activeRoomModes({ followers_only_minutes: -1, slow_seconds: 0 })).toEqual([]);
    expect(activeRoomModes({ followers_only_minutes: 0 })).toEqual(['Followers-only']);
    expect(activeRoomModes({ followers_only_minutes: 10080 })).toEqual(['Followers-only 7 d']);
    expect(activeRoomModes(undefined)).toEqual([]);
  });
});
