// Small text helpers for parsing the output of tools kbench runs.

/** The last match of a global regular expression in `text`. */
export function lastMatch(re: RegExp, text: string): RegExpExecArray | undefined {
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | undefined;
  re.lastIndex = 0;
  while ((m = re.exec(text)) !== null) last = m;
  return last;
}
