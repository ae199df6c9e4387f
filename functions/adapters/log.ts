/**
 * Structured JSON logs (one line each): CloudWatch in Lambda. The local CLI redirects them to a
 * file so its own progress lines stay readable.
 */
type Sink = (line: string) => void;

let sink: Sink = (line) => console.log(line);

export function setLogSink(next: Sink): void {
  sink = next;
}

export function logEvent(msg: string, fields: Record<string, unknown> = {}, level: 'info' | 'error' = 'info'): void {
  sink(JSON.stringify({ level, msg, ...fields }));
}
