/**
 * A mistake of the person at the keyboard (a wrong path, month, option, config): `tb` prints its
 * message on one line and exits 2, never a stack trace (`--verbose` shows it). A refusal for a
 * reason of the data (a month with no accepted upload is not published): `未发布：…`, exit 3.
 * Anything else is a failure of the pipeline itself: one line too, exit 1, the stack with `--verbose`.
 */
export class UserError extends Error {
  override name = 'UserError';
}

export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** What to add to a refusal to publish: how to publish anyway. */
export const FORCE_HINT = '如确需发布，请加 --force';

export function reportFailure(err: unknown, verbose: boolean, write: (line: string) => void = (l) => console.error(l)): number {
  const e = err instanceof Error ? err : new Error(String(err));
  const user = e instanceof UserError;
  const refused = e instanceof RefusedError;
  // One line: a multi-line message (a config with several bad fields) is joined.
  const message = e.message.split('\n').map((l) => l.trim()).filter(Boolean).join('；');
  write(user ? `错误：${message}` : refused ? `未发布：${message}` : `失败（流水线错误）：${message}${verbose ? '' : '（加 --verbose 查看详情）'}`);
  if (verbose && e.stack) write(e.stack);
  return user ? 2 : refused ? 3 : 1;
}
