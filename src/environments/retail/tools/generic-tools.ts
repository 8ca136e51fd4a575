// The tools that touch no data: arithmetic, a scratchpad, and the hand-off to a human agent.

import { z } from 'zod';
import { pythonCalculate } from '../python-arithmetic.js';
import { defineRetailTool, succeed } from '../retail-tool.js';
import { objectParameters } from './parameters.js';

/** `calculate`: the expression's value rounded to 2 decimals, by a parser; nothing is evaluated as code. */
export const calculate = defineRetailTool({
  name: 'calculate',
  description: 'Calculate the result of a mathematical expression.',
  parameters: objectParameters({
    expression: {
      type: 'string',
      description:
        "The mathematical expression to calculate, such as '2 + 2'. The expression can contain numbers, operators (+, -, *, /), parentheses, and spaces.",
    },
  }),
  arguments: z.strictObject({ expression: z.string() }),
  invoke: (_database, { expression }) => {
    const text = pythonCalculate(expression);
    return text.startsWith('Error: ') ? { ok: false, error: text } : succeed(text);
  },
});

/** `think`: returns the empty string and changes nothing. */
export const think = defineRetailTool({
  name: 'think',
  description:
    'Use the tool to think about something. It will not obtain new information or change the database, but just append the thought to the log. Use it when complex reasoning or some cache memory is needed.',
  parameters: objectParameters({ thought: { type: 'string', description: 'A thought to think about.' } }),
  arguments: z.strictObject({ thought: z.string() }),
  invoke: () => succeed(''),
});

/** `transfer_to_human_agents`: ends the episode (the environment lists it as terminal). */
export const transferToHumanAgents = defineRetailTool({
  name: 'transfer_to_human_agents',
  description:
    "Transfer the user to a human agent, with a summary of the user's issue. Only transfer if the user explicitly asks for a human agent, or if the user's issue cannot be resolved by the agent with the available tools.",
  parameters: objectParameters({
    summary: { type: 'string', description: "A summary of the user's issue." },
  }),
  arguments: z.strictObject({ summary: z.string() }),
  invoke: () => succeed('Transfer successful'),
});
