// The domain, pure: no I/O, no clock, no driver imports. Time and ids are inputs.
export * from './errors';
export * from './ingest/types';
export * from './ingest/time';
export * from './ingest/channel';
export * from './ingest/parse';
export * from './ingest/contacts';
export * from './identity/types';
export * from './identity/normalize';
export * from './identity/config';
export * from './identity/extract';
export * from './identity/resolve';
export * from './profile/types';
export * from './profile/traits';
export * from './profile/apply';
export * from './segments/index';
export * from './text/index';
