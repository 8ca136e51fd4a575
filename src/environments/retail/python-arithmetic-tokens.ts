// The tokens of a Python arithmetic expression over the characters `0123456789+-*/(). `, split the
// way CPython 3.11's tokenizer splits them, with its tokenizer errors.

/** An operator or bracket; `.` and `...` are Python tokens too (attribute access, Ellipsis). */
export type ArithmeticOperator = '+' | '-' | '*' | '**' | '/' | '//' | '(' | ')' | '.' | '...';

/** A token, with the parenthesis nesting level after it (as CPython records it). */
export type ArithmeticToken =
  | { readonly kind: 'int'; readonly text: string; readonly level: number }
  | { readonly kind: 'float'; readonly text: string; readonly level: number }
  | { readonly kind: 'operator'; readonly text: ArithmeticOperator; readonly level: number }
  | { readonly kind: 'end'; readonly level: number };

/** The tokens, ending with an 'end' token, or the message of CPython's first tokenizer error. */
export type TokenizeResult =
  | { readonly ok: true; readonly tokens: readonly ArithmeticToken[] }
  | { readonly ok: false; readonly error: string };

/** CPython's tokenizer refuses to open a parenthesis at this nesting level (MAXLEVEL). */
export const PYTHON_MAX_NESTING = 200;

const LEADING_ZEROS =
  'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers';

/** Splits `expression` (already checked to use only the allowed characters) into tokens. */
export function tokenizeArithmetic(expression: string): TokenizeResult {
  const tokens: ArithmeticToken[] = [];
  let level = 0;
  let index = 0;
  const digitsFrom = (start: number): number => {
    let end = start;
    while (end < expression.length && isDigit(expression[end])) end++;
    return end;
  };
  while (index < expression.length) {
    const char = expression[index];
    if (char === ' ') {
      index++;
    } else if (isDigit(char) || (char === '.' && isDigit(expression[index + 1]))) {
      let end = digitsFrom(index);
      const isFloat = expression[end] === '.';
      if (isFloat) end = digitsFrom(end + 1);
      const text = expression.slice(index, end);
      if (!isFloat && text.length > 1 && text[0] === '0' && /[1-9]/.test(text))
        return syntaxError(LEADING_ZEROS);
      tokens.push({ kind: isFloat ? 'float' : 'int', text, level });
      index = end;
    } else {
      const text = operatorAt(expression, index);
      if (text === '(') {
        if (level >= PYTHON_MAX_NESTING) return syntaxError('too many nested parentheses');
        level++;
      } else if (text === ')') {
        if (level === 0) return syntaxError("unmatched ')'");
        level--;
      }
      tokens.push({ kind: 'operator', text, level });
      index += text.length;
    }
  }
  tokens.push({ kind: 'end', level });
  return { ok: true, tokens };
}

function operatorAt(expression: string, index: number): ArithmeticOperator {
  const two = expression.slice(index, index + 2);
  if (expression.startsWith('...', index)) return '...';
  if (two === '**' || two === '//') return two;
  return expression[index] as ArithmeticOperator;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/** A CPython SyntaxError message as `str(error)` prints it for `eval` of one line. */
export function syntaxError(message: string, line = 1): { readonly ok: false; readonly error: string } {
  return { ok: false, error: `${message} (<string>, line ${line})` };
}
