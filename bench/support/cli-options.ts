// A benchmark's command-line options: `--name value` pairs and bare `--flag`s, read from argv.

/** Typed access to `--name value` options, each with its fallback. */
export type CliOptions = {
  number(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  flag(name: string): boolean;
};

/** Reads `argv` (default: this process's arguments); throws when a numeric option is not a number. */
export function readCliOptions(argv: readonly string[] = process.argv.slice(2)): CliOptions {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  return {
    number(name, fallback) {
      const text = value(name);
      if (text === undefined) return fallback;
      const parsed = Number(text);
      if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got "${text}"`);
      return parsed;
    },
    string: (name, fallback) => value(name) ?? fallback,
    flag: (name) => argv.includes(`--${name}`),
  };
}
