// Parses Python arithmetic tokens into a tree with the PEG semantics of CPython 3.11's grammar
// (sum, term, factor, power, primary with calls, atom), and reproduces its syntax error messages.

import { syntaxError, type ArithmeticToken } from './python-arithmetic-tokens.js';
import { MAX_STR_DIGITS } from './python-values.js';

/** A binary operator of a sum or term chain. */
export type ChainOperator = '+' | '-' | '*' | '/' | '//';

/** An expression tree. Chains keep long inputs iterative: no recursion per operator. */
export type ArithmeticNode =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'tuple' }
  | { readonly kind: 'ellipsis' }
  /** `first op1 operand1 op2 operand2 …`, left-associative. */
  | { readonly kind: 'chain'; readonly first: ArithmeticNode; readonly rest: readonly ChainLink[] }
  /** Unary signs, outermost first, applied to `operand`. */
  | { readonly kind: 'unary'; readonly signs: readonly ('+' | '-')[]; readonly operand: ArithmeticNode }
  /** `bases[0] ** signs[1] bases[1] ** signs[2] bases[2] …`, right-associative. */
  | {
      readonly kind: 'power';
      readonly bases: readonly ArithmeticNode[];
      readonly signs: readonly (readonly ('+' | '-')[])[];
    }
  /** `callee(argument)`, `callee(*argument)`, `callee(**argument)`, or `callee()`. */
  | {
      readonly kind: 'call';
      readonly callee: ArithmeticNode;
      readonly argument?: ArithmeticNode;
      readonly star?: '*' | '**';
    };

/** One `op operand` step of a chain. */
export type ChainLink = { readonly operator: ChainOperator; readonly operand: ArithmeticNode };

/** The tree, or CPython's SyntaxError text. */
export type ParseResult =
  { readonly ok: true; readonly tree: ArithmeticNode } | { readonly ok: false; readonly error: string };

type Parsed = { readonly node: ArithmeticNode; readonly next: number } | undefined;

/** Raised inside a parse to stop at CPython's first reported syntax error. */
class SyntaxStop {
  constructor(readonly message: string) {}
}

/** Parses tokens from `tokenizeArithmetic` as Python's `eval` input. */
export function parseArithmetic(tokens: readonly ArithmeticToken[]): ParseResult {
  try {
    const parsed = new Parser(tokens, false).expression(0);
    if (parsed !== undefined && tokens[parsed.next].kind === 'end') return { ok: true, tree: parsed.node };
    // CPython parses a second time with its error rules enabled to find a more specific message.
    new Parser(tokens, true).expression(0);
  } catch (error) {
    if (error instanceof SyntaxStop) return syntaxError(error.message);
    throw error;
  }
  return syntaxError('invalid syntax', tokens.length === 1 ? 0 : 1);
}

const CHAIN_LEVELS: readonly (readonly ChainOperator[])[] = [
  ['+', '-'],
  ['*', '/', '//'],
];

class Parser {
  constructor(
    private readonly tokens: readonly ArithmeticToken[],
    private readonly diagnose: boolean,
  ) {}

  /** The token at `index`; reaching the end inside parentheses is CPython's "never closed" error. */
  private at(index: number): ArithmeticToken {
    const token = this.tokens[index];
    if (token.kind === 'end' && token.level > 0) throw new SyntaxStop("'(' was never closed");
    return token;
  }

  private isOperator(index: number, ...operators: string[]): boolean {
    const token = this.at(index);
    return token.kind === 'operator' && operators.includes(token.text);
  }

  expression(index: number): Parsed {
    const parsed = this.chain(index, 0);
    if (this.diagnose && parsed !== undefined) this.checkMissingComma(parsed.next);
    return parsed;
  }

  /** CPython's invalid_expression rule: an expression right after another, inside brackets. */
  private checkMissingComma(index: number): void {
    if (this.isOperator(index, ')')) return;
    const second = new Parser(this.tokens, false).expression(index);
    if (second !== undefined && this.tokens[second.next - 1].level > 0) {
      throw new SyntaxStop('invalid syntax. Perhaps you forgot a comma?');
    }
  }

  /** sum (level 0) and term (level 1): operands joined by left-associative operators. */
  private chain(index: number, level: number): Parsed {
    const operand = (at: number): Parsed => (level === 0 ? this.chain(at, 1) : this.factor(at));
    const first = operand(index);
    if (first === undefined) return undefined;
    const rest: ChainLink[] = [];
    let next = first.next;
    for (;;) {
      const token = this.at(next);
      if (token.kind !== 'operator' || !(CHAIN_LEVELS[level] as readonly string[]).includes(token.text))
        break;
      const right = operand(next + 1);
      if (right === undefined) break; // PEG: keep the longest prefix that parses
      rest.push({ operator: token.text as ChainOperator, operand: right.node });
      next = right.next;
    }
    return rest.length === 0 ? first : { node: { kind: 'chain', first: first.node, rest }, next };
  }

  private signs(index: number): { readonly signs: ('+' | '-')[]; readonly next: number } {
    const signs: ('+' | '-')[] = [];
    let next = index;
    while (this.isOperator(next, '+', '-')) signs.push((this.at(next++) as { text: '+' | '-' }).text);
    return { signs, next };
  }

  /** factor: unary signs, then a power chain. */
  private factor(index: number): Parsed {
    const { signs, next } = this.signs(index);
    const power = this.power(next);
    if (power === undefined || signs.length === 0) return power;
    return { node: { kind: 'unary', signs, operand: power.node }, next: power.next };
  }

  /** power: primary ('**' factor)?, unrolled so that long chains do not recurse. */
  private power(index: number): Parsed {
    const first = this.primary(index);
    if (first === undefined) return undefined;
    const bases = [first.node];
    const signs: ('+' | '-')[][] = [[]];
    let next = first.next;
    while (this.isOperator(next, '**')) {
      const prefix = this.signs(next + 1);
      const base = this.primary(prefix.next);
      if (base === undefined) break;
      bases.push(base.node);
      signs.push(prefix.signs);
      next = base.next;
    }
    return bases.length === 1 ? first : { node: { kind: 'power', bases, signs }, next };
  }

  /** primary: an atom followed by calls `(…)`; `.` attribute access never parses (no names). */
  private primary(index: number): Parsed {
    let parsed = this.atom(index);
    while (parsed !== undefined) {
      // CPython reads the token after `.` looking for a name, so `1.` at the end can be "never closed".
      if (this.isOperator(parsed.next, '.')) this.at(parsed.next + 1);
      if (!this.isOperator(parsed.next, '(')) break;
      const call = this.call(parsed.node, parsed.next + 1);
      if (call === undefined) break;
      parsed = call;
    }
    return parsed;
  }

  /** The rest of a call after `(`: nothing, or one argument, perhaps `*`- or `**`-unpacked. */
  private call(callee: ArithmeticNode, index: number): Parsed {
    if (this.isOperator(index, ')')) return { node: { kind: 'call', callee }, next: index + 1 };
    const token = this.at(index);
    const star =
      token.kind === 'operator' && (token.text === '*' || token.text === '**') ? token.text : undefined;
    const argument = this.expression(star === undefined ? index : index + 1);
    if (argument === undefined || !this.isOperator(argument.next, ')')) return undefined;
    const node: ArithmeticNode = { kind: 'call', callee, argument: argument.node, ...(star && { star }) };
    return { node, next: argument.next + 1 };
  }

  private atom(index: number): Parsed {
    const token = this.at(index);
    if (token.kind === 'int')
      return { node: { kind: 'int', value: intLiteral(token.text) }, next: index + 1 };
    if (token.kind === 'float')
      return { node: { kind: 'float', value: Number(token.text) }, next: index + 1 };
    if (token.kind !== 'operator') return undefined;
    if (token.text === '...') return { node: { kind: 'ellipsis' }, next: index + 1 };
    if (token.text !== '(') return undefined;
    if (this.isOperator(index + 1, ')')) return { node: { kind: 'tuple' }, next: index + 2 };
    if (this.isOperator(index + 1, '*')) {
      // CPython's tuple rule reads `(*x` and then the token after x, looking for a comma.
      const starred = this.chain(index + 2, 0);
      if (starred !== undefined) this.at(starred.next);
    }
    if (this.diagnose) this.checkStarredGroup(index + 1);
    const inner = this.expression(index + 1);
    if (inner === undefined || !this.isOperator(inner.next, ')')) return undefined;
    return { node: inner.node, next: inner.next + 1 };
  }

  /** CPython's invalid_group rule: `(*x)` and `(**x)`. */
  private checkStarredGroup(index: number): void {
    if (!this.isOperator(index, '*', '**')) return;
    const starred = this.expression(index + 1);
    if (starred !== undefined && this.isOperator(starred.next, ')')) {
      const double = this.isOperator(index, '**') ? 'double starred' : 'starred';
      throw new SyntaxStop(`cannot use ${double} expression here`);
    }
  }
}

/** An int literal's value; CPython 3.11 refuses literals of more than 4300 significant digits. */
function intLiteral(text: string): bigint {
  const digits = text.replace(/^0+/, '').length;
  if (digits > MAX_STR_DIGITS) {
    throw new SyntaxStop(
      `Exceeds the limit (${MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.`,
    );
  }
  return BigInt(text);
}
