/**
 * Calendar arithmetic in an IANA time zone, DST-correct, with Intl only (no floats for money
 * here; these are instants). A local date's midnight is found by correcting the UTC guess by the
 * zone's offset at that instant, twice (the second pass handles a DST change between the two).
 */
export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether Intl (and so PostgreSQL's tz database, which carries the same IANA names) knows the zone. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(value)) return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

function wallClock(instant: number, timeZone: string): { local: LocalDate; utcOfWallClock: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const local = { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
  const utcOfWallClock = Date.UTC(local.year, local.month - 1, local.day, Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { local, utcOfWallClock };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone).utcOfWallClock - whole;
}

/** The calendar date at an instant, in the zone. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return wallClock(instant.getTime(), timeZone).local;
}

/** The instant the local date begins in the zone (its midnight, or the first instant after a DST gap at midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  if (second === first) return new Date(first);
  // Offsets disagree around a transition: take the candidate whose wall clock reads this date, the earlier one if both do.
  const candidates = [first, second].filter((instant) => sameDate(localDateOf(new Date(instant), timeZone), date)).sort((a, b) => a - b);
  return new Date(candidates[0] ?? Math.max(first, second));
}

function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function addMonths(month: { year: number; month: number }, count: number): { year: number; month: number } {
  const index = month.year * 12 + (month.month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** [start, end) of a calendar month in the zone. */
export function monthRange(month: { year: number; month: number }, timeZone: string): { from: Date; to: Date } {
  const next = addMonths(month, 1);
  return { from: startOfLocalDay({ ...month, day: 1 }, timeZone), to: startOfLocalDay({ ...next, day: 1 }, timeZone) };
}

export function parseLocalDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? { year, month, day } : null;
}

export function formatMonth(month: { year: number; month: number }): string {
  return `${String(month.year).padStart(4, "0")}-${String(month.month).padStart(2, "0")}`;
}

export function formatLocalDate(date: LocalDate): string {
  return `${formatMonth(date)}-${String(date.day).padStart(2, "0")}`;
}
