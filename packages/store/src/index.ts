export { Store, openStore, openPgliteStore, type StoreConfig, type StoreTx } from './store';
export type { DialectAdapter } from './adapter';
export type { Database } from './schema';
export * from './records';
export type { AppendedEvent, TimelineCursor } from './repos/events';
export type { ProfileSearch } from './repos/profiles';
export type { ErasureRecord } from './repos/erasures';
export type { SegmentRecord, DefinitionRecord, PersonaRecord } from './repos/segments';
export type { JobRecord } from './repos/jobs';
