// Texts the designer derives from process data: port names and validation errors in the console's language.
import type { ProcessIssue } from './model';

type T = (k: string, v?: Record<string, string | number>) => string;

export function portLabel(
  t: (k: string, v?: Record<string, string | number>) => string,
  port: string,
): string {
  return ['next', 'else', 'matched', 'timeout'].includes(port) ? t(`automation.port.${port}`) : port;
}

/** The validator's message in the console's language for the errors a designer meets most; else the server's. */
export function issueText(e: ProcessIssue, t: T): string {
  const port = /port "([^"]+)"/.exec(e.message)?.[1];
  switch (e.code) {
    case 'missing_branch':
      return port ? t('automation.err.missing_branch', { port: portLabel(t, port) }) : e.message;
    case 'unreachable':
    case 'no_trigger':
    case 'loop_without_wait':
      return t(`automation.err.${e.code}`);
    default:
      return e.message;
  }
}
