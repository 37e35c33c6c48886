export { buildEngine, type Engine, type EngineDeps } from './engine';
export { systemClock, silentLogger, noMetrics, type Clock, type Logger, type Metrics } from './ports';
export { KeyService, generateKey, hashKey, type CreatedKey, type Principal } from './keys';
export { WorkspaceService, type BootstrapResult } from './workspaces';
export { IngestService } from './ingest';
export { Pipeline, PIPELINE_CONSUMER } from './pipeline';
export { ProfileService, type ProfileView, type TimelineEntry, type ChannelView } from './profiles';
export { importContacts, type ImportReport, type RejectedRow } from './contacts';
export { newId } from './ids';
export { StatsService, DAY_MS, type EventStats, type EventStatsDay } from './stats';
export { SegmentService, type SegmentInput, type PersonaInput, type PreviewResult } from './segments';
export { SegmentRuntime, SEGMENT_BUILD, SEGMENT_RECHECK, SEGMENT_REPLAY } from './segment-runtime';
export { Scheduler, type JobHandler } from './scheduler';
export { AutomationService, type ProcessInput, type ProcessStats, type StartSource } from './automation';
export {
  AutomationRuntime,
  AUTOMATION_TIMER,
  AUTOMATION_DATE,
  AUTOMATION_SCHEDULE,
  AUTOMATION_BULK,
  AUTOMATION_SCORE,
  PROCESS_STARTED,
  PROCESS_ENDED,
} from './automation-runtime';
export { OutboxDispatcher, type Sender } from './outbox';
export { systemEvent, SYSTEM_CHANNEL } from './system-events';
export {
  SurveyService,
  parseCursor,
  surveyErrors,
  type MetricsQuery,
  type MetricsReport,
  type Respondent,
  type ResponseInput,
  type ResponseResult,
  type SurveyInput,
  type SurveyLink,
} from './surveys';
export { FeedbackService, FEEDBACK_RECEIVED, type FeedbackResult } from './feedback';
export {
  AccessService,
  SCRYPT_PARAMS,
  SESSION_IDLE_MS,
  SESSION_ABSOLUTE_MS,
  INVITATION_TTL_MS,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_MS,
  csrfTokenFor,
  hashPassword,
  sameToken,
  userView,
  verifyPassword,
  type AccessError,
  type Actor,
  type AuditInput,
  type ClientInfo,
  type InvitationView,
  type SessionUser,
  type SignedIn,
  type UserView,
} from './users';
export {
  MessagingService,
  MESSAGE_CHANNELS,
  REDACTED,
  redactChannelConfig,
  type ConsentChange,
  type ConsentView,
  type MessageChannel,
  type MessagingPolicy,
  type TemplateInput,
} from './messaging';
export { messageSenders, type MessageSenderOptions, type TestSend } from './message-senders';
export type { SendOutcome } from './outbox';
