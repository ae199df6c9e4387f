import { UnreadableFileError } from '../../functions/formats/readers';

/** The UnreadableFileError a reader refuses the file with; fails the test if it reads it (or throws anything else). */
export async function refusal(p: Promise<unknown>): Promise<UnreadableFileError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UnreadableFileError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}
