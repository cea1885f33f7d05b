/**
 * The limits every entry point holds input to — the CLI, the app, the browser host and the
 * runtime read the same numbers from here, and docs/limits.md lists them (a test keeps the two
 * equal). Each one is a refusal that names it, never a crash or a silent cut.
 */
export const INPUT_LIMITS = {
  /** One agent file (prompt.md, config.yaml, …), in characters: a draft, a snapshot, an import. */
  agentFileChars: 5_000_000,
  /** One suite's YAML (a Slipway suite or a promptfoo config), in characters. */
  suiteChars: 20_000_000,
  /** The files beside a promptfoo config an import may be given (tests, defaultTest, variables, scripts it names). */
  importFiles: 1_000,
  /** Those files together, in characters. */
  importFilesChars: 50_000_000,
  /** A dataset's JSONL or CSV, in characters. */
  datasetChars: 50_000_000,
  /** How deep a YAML or JSON document may nest (a map in a list in a map… counts each level). */
  depth: 64,
  /** How many aliases (`*name`) a YAML document may resolve; each alias counts the nodes it copies. */
  yamlAliases: 100,
  /** How many nodes a YAML document may have when it holds aliases, or when its errors are placed at their lines. */
  yamlNodes: 200_000,
  /** A version's or a team release's message, in characters. */
  messageChars: 10_000,
  /** An author's name, in characters. */
  authorChars: 200,
  /** How much of a refused value an error message quotes, in characters. */
  quotedChars: 120,
} as const;

/**
 * A count with thousands separators (5,000,000), for the messages that name a limit. Not
 * `toLocaleString`: its first call loads the locale data, megabytes a command that never refuses
 * anything would carry (the contract's messages are built as it loads).
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
