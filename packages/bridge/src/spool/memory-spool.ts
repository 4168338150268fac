import type { SpooledState, TaskSpool } from './task-spool.js';

const EMPTY: SpooledState = {
  traces: [],
  keyed: [],
  costs: [],
  covered: [],
  streams: [],
  events: [],
};
const nothing = (): void => {};

/** The spool of a bridge without `spoolDir`: keeps nothing, so a restart starts empty. */
export const MEMORY_SPOOL: TaskSpool = {
  atomically: (work) => work(),
  keepSpans: nothing,
  keepKeyed: nothing,
  keepCost: nothing,
  keepCovered: nothing,
  keepStream: nothing,
  forgetTrace: nothing,
  forgetKeyed: nothing,
  keepEvents: nothing,
  forgetEvents: nothing,
  undelivered: () => [],
  holdsEvent: () => false,
  refusal: undefined,
  stats: () => undefined,
  load: () => EMPTY,
  close: nothing,
};
