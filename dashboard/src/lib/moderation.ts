import type { MetricsWindow, ModerationCounts, RoomSettings } from '../api/types';
import { nonOverlappingWindows } from './revenue';

/** Moderator actions over a range: summed over windows that do not overlap. */
export function moderationTotals(windows: readonly MetricsWindow[]): ModerationCounts {
  const total: ModerationCounts = { timeouts: 0, bans: 0, clears: 0, deletions: 0 };
  for (const w of nonOverlappingWindows(windows)) {
    if (!w.moderation) continue;
    total.timeouts += w.moderation.timeouts;
    total.bans += w.moderation.bans;
    total.clears += w.moderation.clears;
    total.deletions += w.moderation.deletions;
  }
  return total;
}

/** The room modes that are on, as short labels ("Slow 30s", "Emote-only", …). */
export function activeRoomModes(room: RoomSettings | undefined): string[] {
  if (!room) return [];
  const modes: string[] = [];
  if (room.emote_only) modes.push('Emote-only');
  if (room.subs_only) modes.push('Subscribers-only');
  const followers = room.followers_only_minutes;
  if (followers !== undefined && followers >= 0) {
    modes.push(followers === 0 ? 'Followers-only' : `Followers-only ${followAge(followers)}`);
  }
  if (room.slow_seconds) modes.push(`Slow ${room.slow_seconds}s`);
  if (room.unique_chat) modes.push('Unique chat');
  return modes;
}

/** Twitch sets follow ages in minutes, hours, days, weeks or months: show the largest unit. */
function followAge(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}
