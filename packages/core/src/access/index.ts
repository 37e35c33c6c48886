// Access: roles and permissions, account rules, and what the audit log keeps. Pure.
export * from './roles';
export * from './policy';
export * from './audit';
