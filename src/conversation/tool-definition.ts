// What a model is told about a tool: its name, a description and the JSON schema of its arguments
// (the `function` of an OpenAI tool definition). Environment tools satisfy this shape.

/** A tool as shown to a model: name, description and JSON-schema parameters. */
export type ToolDefinition = {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
};

/** The OpenAI / Hugging Face form of a tool definition: `{ type: 'function', function: {…} }`. */
export type FunctionToolDefinition = {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Readonly<Record<string, unknown>>;
  };
};

/** Wraps a tool definition in the `{ type: 'function', function }` form chat templates and APIs expect. */
export function toFunctionTool(tool: ToolDefinition): FunctionToolDefinition {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}
