// The server's operational log: JSON lines (pino) shared by the HTTP layer (one line per request,
// with its request id) and the services (executor, finisher, publisher, log keeper), whose
// messages name the submissions they are about: those ids become fields, so a log search for a
// submission finds every line about it. Credentials never reach the log: headers that carry them
// are redacted even if a serializer ever includes them.
import { pino, type Logger } from 'pino';

const SUBMISSION_ID = /\bsub_[0-9a-z]{26}\b/g;

export interface LogStream {
  write(line: string): void;
}

export function createOperationalLog(stream: LogStream, level = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'poms' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    stream,
  );
}

/** A service's log line as a structured entry: the submission ids it names become fields. */
export function serviceLog(logger: Logger, component: string): (message: string) => void {
  const child = logger.child({ component });
  return (message) => {
    const ids = [...new Set(message.match(SUBMISSION_ID) ?? [])];
    const fields =
      ids.length === 0
        ? {}
        : ids.length === 1
          ? { submission_id: ids[0] }
          : { submission_id: ids[0], submission_ids: ids };
    if (/\bfailed\b|\berror\b/i.test(message)) child.warn(fields, message);
    else child.info(fields, message);
  };
}
