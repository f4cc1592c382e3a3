// What the desktop app says when berth.yaml cannot be used. Like `berth up`, it starts nothing with
// an invalid file (falling back to zero-config would serve routes the user did not write); it lists
// every problem with FILE:LINE:COL, as `berth validate` prints them.
import { formatProblem, sortProblems, type ConfigProblem } from '../config/load-config.js';

/** Native dialogs do not scroll well: the first problems are shown and the rest counted. */
const SHOWN = 12;

export function configFailureMessage(file: string, problems: ConfigProblem[]): { title: string; message: string } {
  const sorted = sortProblems(problems);
  const lines = sorted.slice(0, SHOWN).map(formatProblem);
  if (sorted.length > SHOWN) lines.push(`… and ${sorted.length - SHOWN} more (run \`berth validate -c ${file}\`)`);
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return {
    title: `Berth: ${count} in ${file}`,
    message: `${lines.join('\n')}\n\nNothing was started. Fix the file and open Berth again.`,
  };
}
