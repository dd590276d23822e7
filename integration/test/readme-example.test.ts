import { describe, expect, it } from 'vitest';
import { extractReadmeExample } from './readme-example.ts';

describe('extractReadmeExample', () => {
  it('takes the first ts/js block after the Example heading', () => {
    const readme =
      '# x\n```ts\nnot this\n```\n## Example\n\nText.\n```sh\nnpm i\n```\n```ts\nconsole.log(1);\n```\n```js\nno\n```\n';
    expect(extractReadmeExample(readme)).toBe('console.log(1);\n');
    expect(extractReadmeExample('### Examples\n```js\na\nb\n```')).toBe('a\nb\n');
  });

  it('says what is missing', () => {
    expect(() => extractReadmeExample('# x\n```ts\na\n```')).toThrow('no "Example" heading');
    expect(() => extractReadmeExample('## Example\n```sh\na\n```')).toThrow(
      'no ```ts or ```js block',
    );
    expect(() => extractReadmeExample('## Example\n```ts\na\n')).toThrow('not closed');
  });
});
