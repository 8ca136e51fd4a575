// Tool descriptions for the system prompt of models without a native tool slot, in the Hermes 2 Pro /
// Qwen 2.5 wording that matches the `<tool_call>` output format.

import { toJsonText } from '../conversation/json-text.js';
import { toFunctionTool, type ToolDefinition } from '../conversation/tool-definition.js';

/** The Hermes-style tools section: signatures in `<tools>` and how to write a `<tool_call>`. */
export function formatToolsPrompt(tools: readonly ToolDefinition[]): string {
  const signatures = tools.map((tool) => toJsonText(toFunctionTool(tool))).join('\n');
  return [
    '# Tools',
    '',
    'You may call one or more functions to assist with the user query.',
    '',
    'You are provided with function signatures within <tools></tools> XML tags:',
    `<tools>\n${signatures}\n</tools>`,
    '',
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
    '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
  ].join('\n');
}
