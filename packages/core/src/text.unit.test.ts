import { checkActorText, checkText, escapeControls, LINE_MAX, PARAGRAPH_MAX, quote, textProblem } from './text';

describe('escapeControls', () => {
  it('writes every control character as JSON does, leaving other text as it is', () => {
    expect(escapeControls('\x1b[31m红\x1b[0m')).toBe('\\u001b[31m红\\u001b[0m');
    expect(escapeControls('a\r\nb\tc')).toBe('a\\r\\nb\\tc');
    expect(escapeControls('\x1b]0;title\x07')).toBe('\\u001b]0;title\\u0007');
    expect(escapeControls('\x7f\x9b\u2028\u202e\u2066')).toBe('\\u007f\\u009b\\u2028\\u202e\\u2066');
    expect(escapeControls('道里区 12 个; 哈住建报〔2024〕88号 \\u001b')).toBe('道里区 12 个; 哈住建报〔2024〕88号 \\u001b');
  });
});

describe('textProblem and checkText', () => {
  const cases: Array<[string, string]> = [
    ['\x1b[31m红字', 'U+001B at character 1'],
    ['张三\x1b[8m隐藏', 'U+001B at character 3'],
    ['line one\nline two', 'U+000A'],
    ['carriage\rreturn', 'U+000D'],
    ['tab\there', 'U+0009'],
    ['nul\x00', 'U+0000'],
    ['del\x7f', 'U+007F'],
    ['c1 csi \x9b31m', 'U+009B'],
    ['rtl \u202eoverride', 'U+202E'],
    ['separator\u2028', 'U+2028'],
  ];
  // Titles escaped too: jest prints them to the terminal.
  it.each(cases.map(([value, says]) => [escapeControls(value), value, says]))('refuses "%s", naming the character and where it is', (_, value, says) => {
    const problem = textProblem(value, LINE_MAX);
    expect(problem).toContain(says);
    expect(problem).toContain('text must be printable and on one line');
    expect(problem).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('refuses text over the limit, counting characters (not UTF-16 units)', () => {
    expect(textProblem('张'.repeat(LINE_MAX), LINE_MAX)).toBeNull();
    expect(textProblem('𠀀'.repeat(LINE_MAX), LINE_MAX)).toBeNull();
    expect(textProblem('张'.repeat(LINE_MAX + 1), LINE_MAX)).toBe(`"${'张'.repeat(20)}…" is 201 characters long; at most 200 are allowed`);
  });

  it('checkText refuses an empty value and names the field', () => {
    expect(checkText('person', '  ')).toEqual({
      _tag: 'Left',
      left: { _tag: 'InvalidInput', field: 'person', reason: '"  " is empty', message: 'person: "  " is empty' },
    });
    expect(checkText('person', '张三')).toEqual({ _tag: 'Right', right: '张三' });
  });

  it('quote escapes and cuts a value for a message', () => {
    expect(quote('\x1b[31mx')).toBe('"\\u001b[31mx"');
    expect(quote('abcdef', 3)).toBe('"abc…"');
  });
});

describe('checkActorText', () => {
  it('checks the person, the document, the note and the ids, naming the first bad field', () => {
    expect(checkActorText({ person: '张三', source: { document: '哈住建报〔2024〕88号', note: '月报' } })._tag).toBe('Right');
    const bad = (a: Parameters<typeof checkActorText>[0]) => {
      const r = checkActorText(a);
      if (r._tag === 'Right') throw new Error('expected a refusal');
      return r.left;
    };
    expect(bad({ person: '\x1b[31m张三' })).toMatchObject({ _tag: 'InvalidInput', field: 'person' });
    expect(bad({ person: '张三', source: { document: 'x\ny' } })).toMatchObject({ field: 'document' });
    expect(bad({ source: { note: 'n'.repeat(PARAGRAPH_MAX + 1) } })).toMatchObject({ field: 'note' });
    expect(bad({ source: { note: '' } })).toMatchObject({ field: 'note' });
    expect(bad({ correlationId: 'a'.repeat(LINE_MAX + 1) })).toMatchObject({ field: 'correlationId' });
  });
});
