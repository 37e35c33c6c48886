// Automation processes: definitions, validation, the pure step machine, entry rules, time, dry runs.
export * from './types';
export * from './validate';
export * from './machine';
export * from './entry';
export * from './dry-run';
export { selectorKey } from './selectors';
export {
  dateTriggerMoment,
  durationOf,
  fromWall,
  isTimeZone,
  nextScheduled,
  offsetAt,
  parseClock,
  parseCron,
  toWall,
  untilMoment,
} from './time';
