export { Store, openStore, openPgliteStore, type StoreConfig, type StoreTx } from './store';
export type { DialectAdapter } from './adapter';
export type { Database } from './schema';
export * from './records';
export type { AppendedEvent, TimelineCursor } from './repos/events';
export type { ProfileSearch } from './repos/profiles';
export type { ErasureRecord } from './repos/erasures';
export type { SegmentRecord, DefinitionRecord, PersonaRecord } from './repos/segments';
export type { JobRecord } from './repos/jobs';
export type {
  BulkStartRecord,
  EntryRecord,
  HistoryRecord,
  InstanceRecord,
  OutboxRecord,
  ProcessRecord,
  ProcessStatus,
  ProcessVersionRecord,
  TaskRecord,
} from './repos/automation';
export type {
  FeedbackFilter,
  FeedbackRecord,
  FollowupEntry,
  ResponseFilter,
  SurveyLinkRecord,
  SurveyRecord,
  SurveyResponseRecord,
  TimeCursor,
} from './repos/surveys';
export type {
  ConsentRecord,
  ContentBlockRecord,
  DeliveryRecord,
  PushSubscriptionRecord,
  SubscriptionGroupRecord,
  TemplateRecord,
} from './repos/messaging';
export type { AuditFilter, AuditRecord, InvitationRecord, SessionRecord, UserRecord } from './repos/users';
