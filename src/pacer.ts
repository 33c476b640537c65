import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lets long computations share the event loop: work checks `due()` often (cheap) and awaits
 * `pause()` when it returns true, so scrapes and health checks wait at most about `sliceMs`.
 */
export class Pacer {
  readonly #sliceMs: number;
  #sliceStart = performance.now();
  #checks = 0;
  pauses = 0;

  constructor(sliceMs = 8) {
    this.#sliceMs = sliceMs;
  }

  due(): boolean {
    // Reading the clock on every row would cost more than the row; every 64th is enough.
    return (++this.#checks & 63) === 0 && performance.now() - this.#sliceStart >= this.#sliceMs;
  }

  async pause(): Promise<void> {
    this.pauses += 1;
    await nextTurn();
    this.#sliceStart = performance.now();
  }
}
