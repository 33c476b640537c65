import { dayOf, dayStartMs, type Day } from '../../time.js';

// Today's minutes per series, as CloudWatch publishes them: late, and revised for a while. Every poll
// reads a recent window again; a minute counts once, with its latest value; a series' total is what
// happened since 00:00 UTC today, so it starts again from zero at midnight (Prometheus reads that as a
// counter reset).

const MINUTE_MS = 60_000;

export class MinuteCounts {
  #day: Day = '';
  readonly #series = new Map<string, Map<number, number>>();
  /** Per region: the end of the latest minute read. */
  readonly #through = new Map<string, number>();

  /** The day being counted; a new day forgets the old one's minutes (and says so: true). */
  startDay(now: Date): boolean {
    const day = dayOf(now);
    if (day === this.#day) return false;
    this.#day = day;
    this.#series.clear();
    this.#through.clear();
    return true;
  }

  /** The start of today (ms): the earliest minute that counts. */
  get dayStartMs(): number {
    return dayStartMs(this.#day);
  }

  /** A minute's latest value; minutes of another day are not today's. */
  record(series: string, region: string, minuteStartMs: number, value: number): void {
    if (dayOf(minuteStartMs) !== this.#day) return;
    let minutes = this.#series.get(series);
    if (minutes === undefined) {
      minutes = new Map();
      this.#series.set(series, minutes);
    }
    minutes.set(minuteStartMs, value);
    this.#through.set(region, Math.max(this.#through.get(region) ?? 0, minuteStartMs + MINUTE_MS));
  }

  /** The series read today. */
  series(): Iterable<string> {
    return this.#series.keys();
  }

  /** Every series' minutes read today, by start (ms). */
  entries(): Iterable<[series: string, minutes: ReadonlyMap<number, number>]> {
    return this.#series.entries();
  }

  /** Per region, the end (ms) of the latest minute read today. */
  through(): ReadonlyMap<string, number> {
    return this.#through;
  }
}
