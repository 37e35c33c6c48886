// Real-time segments, computed traits and scoring: the pure part (rules, validation, aggregates, evaluation).
export * from './types';
export * from './validate';
export * from './compile';
export * from './replay';
export * from './membership';
export { thresholdCrossing } from './scoring';
export { aggregateKey, type AggregateSpec } from './aggregates';
export { percentBucket, fnv1a32 } from './hash';
export { foldText, toNumber } from './values';
export { UNIT_MS, bucketSize, parseDate } from './time';
