// The perfect τ-bench retail agent: replays a task's gold actions, one call a turn, then states the
// outputs the task requires. It scores 1 on every task and is the ceiling that evaluations check.

import type { AgentTurn } from '../agents/agent.js';
import { ScriptedAgent } from '../agents/scripted-agent.js';
import type { RetailTask } from '../environments/retail/retail-tasks.js';

/** A scripted agent for `task`: its gold tool calls, then "All done: <outputs>." (repeated if asked again). */
export function retailGoldAgent(task: RetailTask): ScriptedAgent {
  const calls: AgentTurn[] = task.actions.map((action, index) => ({
    message: {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: `gold_${index}`, name: action.name, arguments: action.kwargs }],
    },
  }));
  const answer = task.outputs.length === 0 ? 'All done.' : `All done: ${task.outputs.join('; ')}.`;
  return new ScriptedAgent({
    name: 'gold',
    turns: [...calls, { message: { role: 'assistant', content: answer } }],
    whenExhausted: 'repeat_last',
  });
}
