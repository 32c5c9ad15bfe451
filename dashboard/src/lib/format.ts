const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rateFormat = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** 12345 → "12,345"; null → "–". */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : countFormat.format(value);
}

/** Messages per minute with one decimal; null → "–". */
export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : rateFormat.format(value);
}

/** Local wall-clock time of an RFC 3339 timestamp, e.g. "14:03:27". */
export function formatClock(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return date.toLocaleTimeString(undefined, { hour12: false });
}

/** "chat_spike" → "Chat spike". */
export function humanizeType(type: string): string {
  const words = type.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
