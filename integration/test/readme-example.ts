/**
 * The example a README promises: the first ```ts / ```js block after the first heading with
 * "Example" in it. Throws when there is none, so a README without one fails the test.
 */
export function extractReadmeExample(readme: string): string {
  const lines = readme.split('\n');
  const heading = lines.findIndex((line) => /^#{1,6}\s.*\bexamples?\b/i.test(line));
  if (heading === -1) throw new Error('README has no "Example" heading');
  const open = lines.findIndex(
    (line, i) => i > heading && /^```(ts|js|typescript|javascript)\s*$/.test(line),
  );
  if (open === -1)
    throw new Error('README has no ```ts or ```js block after its "Example" heading');
  const close = lines.findIndex((line, i) => i > open && /^```\s*$/.test(line));
  if (close === -1) throw new Error('README example block is not closed');
  return `${lines.slice(open + 1, close).join('\n')}\n`;
}
