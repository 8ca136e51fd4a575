// τ-bench's `calculate`: `str(round(float(eval(expression)), 2))` over the characters
// `0123456789+-*/(). `, reproduced with a parser and an evaluator; no code is ever evaluated.

import { parseArithmetic, type ArithmeticNode } from './python-arithmetic-parser.js';
import { tokenizeArithmetic } from './python-arithmetic-tokens.js';
import { pythonFloatRepr, pythonRound } from './python-float.js';
import {
  applyBinary,
  applySign,
  callError,
  PythonException,
  toPythonFloat,
  type PythonValue,
} from './python-values.js';

const ALLOWED = /^[0-9+\-*/(). ]*$/;

/** The text τ-bench's `calculate` returns: the value rounded to 2 decimals (`4.0`), or `Error: …`. */
export function pythonCalculate(expression: string): string {
  if (!ALLOWED.test(expression)) return 'Error: invalid characters in expression';
  const tokens = tokenizeArithmetic(expression);
  if (!tokens.ok) return `Error: ${tokens.error}`;
  const parsed = parseArithmetic(tokens.tokens);
  if (!parsed.ok) return `Error: ${parsed.error}`;
  try {
    return pythonFloatRepr(pythonRound(toPythonFloat(evaluate(parsed.tree)), 2));
  } catch (error) {
    if (error instanceof PythonException) return `Error: ${error.message}`;
    throw error;
  }
}

/** Evaluates a tree in Python's order: operands left to right, each operation once both are known. */
function evaluate(node: ArithmeticNode): PythonValue {
  switch (node.kind) {
    case 'int':
      return { type: 'int', value: node.value };
    case 'float':
      return { type: 'float', value: node.value };
    case 'tuple':
    case 'ellipsis':
      return { type: node.kind };
    case 'chain': {
      let value = evaluate(node.first);
      for (const link of node.rest) value = applyBinary(link.operator, value, evaluate(link.operand));
      return value;
    }
    case 'unary':
      return applySigns(node.signs, evaluate(node.operand));
    case 'power': {
      // a ** s1 b ** s2 c = a ** (s1 (b ** (s2 c))): all bases first, then fold from the right.
      const bases = node.bases.map(evaluate);
      let value = bases[bases.length - 1];
      for (let index = bases.length - 1; index >= 1; index--) {
        value = applyBinary('**', bases[index - 1], applySigns(node.signs[index], value));
      }
      return value;
    }
    case 'call': {
      const callee = evaluate(node.callee);
      const argument = node.argument === undefined ? undefined : evaluate(node.argument);
      throw callError(callee, argument, node.star);
    }
  }
}

function applySigns(signs: readonly ('+' | '-')[], value: PythonValue): PythonValue {
  let result = value;
  for (let index = signs.length - 1; index >= 0; index--) result = applySign(signs[index], result);
  return result;
}
