import { describe, expect, it } from 'vitest';
import { terminalColumns, wrapText } from './wrap-text.ts';

describe('wrapText', () => {
  it('fits each line in the columns left after the frame, breaking at spaces', () => {
    expect(wrapText('one two three four', 13)).toEqual(['one two', 'three four']);
    expect(wrapText('short', 80)).toEqual(['short']);
  });

  it('keeps line breaks and empty lines, and cuts a word longer than a line', () => {
    expect(wrapText('a\n\nb', 80)).toEqual(['a', '', 'b']);
    expect(wrapText('x 0123456789abcdef', 13)).toEqual(['x', '0123456789', 'abcdef']);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(wrapText('◆◆◆◆◆ ◆◆◆◆◆', 13)).toEqual(['◆◆◆◆◆', '◆◆◆◆◆']);
  });

  it('takes the width from the output, 80 when it has none', () => {
    expect(terminalColumns({ columns: 100 } as never)).toBe(100);
    expect(terminalColumns({} as never)).toBe(80);
  });
});
