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

const moneyFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** 1234.5 → "$1,234.50"; null → "–". */
export function formatMoney(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : moneyFormat.format(value);
}

const hoursFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Viewer-hours: "12,345.6"; null → "–". */
export function formatHours(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : hoursFormat.format(value);
}

/** A duration as "1 h 02 min", "14 min 05 s" or "42 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** A sentiment score in [-1, 1] with its sign and a word: "+0.42 (positive)". */
export function formatSentiment(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const word = value > 0.05 ? 'positive' : value < -0.05 ? 'negative' : 'neutral';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)} (${word})`;
}

/** Local date and time, e.g. "Nov 24, 14:03". */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** Unix ms → the value of an <input type="datetime-local"> in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> (local time) → Unix ms, or NaN. */
export function fromLocalInput(value: string): number {
  return value ? new Date(value).getTime() : Number.NaN;
}
