export { buildEngine, type Engine, type EngineDeps } from './engine';
export { systemClock, silentLogger, noMetrics, type Clock, type Logger, type Metrics } from './ports';
export { KeyService, generateKey, hashKey, type CreatedKey, type Principal } from './keys';
export { WorkspaceService, type BootstrapResult } from './workspaces';
export { IngestService } from './ingest';
export { Pipeline, PIPELINE_CONSUMER } from './pipeline';
export { ProfileService, type ProfileView, type TimelineEntry, type ChannelView } from './profiles';
export { importContacts, type ImportReport, type RejectedRow } from './contacts';
export { newId } from './ids';
