/**
 * A tiny glob to RegExp translation for drop-folder patterns: `*`, `?`, `**`, `{a,b}`.
 *
 * Paths are matched with `/` separators; a `\` in a pattern is a separator too (stations run
 * Windows, and nobody escapes glob characters in file names there). A pattern without a `/`
 * matches the file name alone, wherever the file sits (`*.json` takes `sub/a.json` when watching
 * recursively); a pattern with a `/` matches the path relative to the watch folder.
 *
 * @module
 */

function escape(character: string): string {
  return /[.+^$()|[\]\\]/.test(character) ? `\\${character}` : character;
}

/**
 * Translates a glob into an anchored RegExp.
 *
 * @param glob The pattern, e.g. `*.{json,xml}` or `**\/PB*.txt`.
 * @param options `caseInsensitive` for Windows stations.
 * @returns The RegExp, matching a whole `/`-separated path.
 */
export function globToRegExp(glob: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  const pattern = glob.replaceAll("\\", "/");
  let source = "";
  let braceDepth = 0;
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index];
    if (character === "*") {
      if (pattern[index + 1] === "*") {
        const startsSegment = index === 0 || pattern[index - 1] === "/";
        if (startsSegment && pattern[index + 2] === "/") {
          // `**/` is zero or more whole folders.
          source += "(?:[^/]*/)*";
          index += 2;
        } else {
          source += ".*";
          index += 1;
        }
      } else source += "[^/]*";
    } else if (character === "?") source += "[^/]";
    else if (character === "{") {
      braceDepth++;
      source += "(?:";
    } else if (character === "}" && braceDepth > 0) {
      braceDepth--;
      source += ")";
    } else if (character === "," && braceDepth > 0) source += "|";
    else source += escape(character);
  }
  // An unclosed brace is a literal problem of the pattern; close it rather than throw.
  source += ")".repeat(braceDepth);
  return new RegExp(`^${source}$`, options.caseInsensitive ? "i" : "");
}

/** A compiled drop-folder pattern. */
export interface PathMatcher {
  /** Tells whether a path relative to the watch folder (any separators) matches. */
  matches(relativePath: string): boolean;
}

/**
 * Compiles a drop-folder pattern.
 *
 * @param glob The pattern.
 * @param caseInsensitive Whether case is ignored (Windows).
 * @returns The matcher.
 */
export function compilePattern(glob: string, caseInsensitive: boolean): PathMatcher {
  const regExp = globToRegExp(glob, { caseInsensitive });
  const isNameOnly = !glob.replaceAll("\\", "/").includes("/");
  return {
    matches(relativePath: string): boolean {
      const path = relativePath.replaceAll("\\", "/");
      return regExp.test(isNameOnly ? path.slice(path.lastIndexOf("/") + 1) : path);
    },
  };
}
