// Command-line parsing shared by the examples.

/** The integer >= 0 after `name` in `argv` (`--port 8080`), or `dflt` without one. */
export function numArg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0)
    throw new RangeError(`${name}: expected an integer >= 0, got ${argv[i + 1]}`);
  return v;
}
