// A ready-made Environment for the common shape: a world (a database) that tools act on, and a
// simulated user. Tool calls are answered by the tools; plain text is answered by the user.

import type { AgentTurn } from '../agents/agent.js';
import type { Message } from '../conversation/messages.js';
import { Rng } from '../engine/random.js';
import { EnvironmentError } from '../errors.js';
import { answerToolTurn, isToolTurn } from './answer-tool-turn.js';
import type { Environment, EnvironmentReset, EnvironmentStep, ResetOptions } from './environment.js';
import type { ToolExceptionPolicy } from './run-tool-call.js';
import type { Tool } from './tool.js';
import type { SimulatedUser } from './users/simulated-user.js';

/** An episode's state: its scenario, the world the tools mutate, and the simulated user. */
export type ToolUserState<TWorld, TScenario> = {
  readonly scenarioId: string;
  readonly scenario: TScenario;
  readonly world: TWorld;
  readonly user: SimulatedUser;
  /** Names of the tools the agent called, in order, valid or not. */
  readonly calledTools: string[];
};

/** Options of `createToolUserEnvironment`. */
export type ToolUserEnvironmentOptions<TWorld, TScenario> = {
  readonly name: string;
  /** Tools over the world (see `worldTool` to lift them onto the state). */
  readonly tools: readonly Tool<ToolUserState<TWorld, TScenario>>[];
  /** Scenario ids by split; the first split is the default. */
  readonly splits: Readonly<Record<string, readonly string[]>>;
  /** The scenario with this id (the id is known to be in a split); may be async. */
  readonly scenario: (id: string) => TScenario | PromiseLike<TScenario>;
  /** A fresh world for an episode of this scenario. */
  readonly world: (scenario: TScenario) => TWorld;
  readonly systemPrompt: (scenario: TScenario) => string;
  /** The episode's simulated user; `seed` is the episode seed. */
  readonly user: (scenario: TScenario, seed: number) => SimulatedUser;
  /** Tools that end the episode when called (stop reason 'terminal_tool'). */
  readonly terminalTools?: readonly string[];
  readonly onToolException?: ToolExceptionPolicy;
};

/** A Tool over the world, lifted to read and mutate `state.world`. */
export function worldTool<TWorld, TScenario>(tool: Tool<TWorld>): Tool<ToolUserState<TWorld, TScenario>> {
  return {
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    arguments: tool.arguments,
    run: (args, context) => tool.run(args, { state: context.state.world }),
  };
}

/** The scenario an episode runs: the given id, else one drawn from the split with the seed. */
export function chooseScenario(options: {
  readonly splits: Readonly<Record<string, readonly string[]>>;
  readonly environment: string;
  readonly reset: ResetOptions;
}): string {
  const { splits, reset } = options;
  const splitNames = Object.keys(splits);
  const known = (id: string) => splitNames.some((split) => splits[split].includes(id));
  if (reset.scenarioId !== undefined) {
    if (!known(reset.scenarioId)) {
      throw new EnvironmentError(
        'unknown_scenario',
        `${options.environment} has no scenario "${reset.scenarioId}"`,
      );
    }
    return reset.scenarioId;
  }
  const split = reset.split ?? splitNames[0];
  const ids = splits[split];
  if (ids === undefined || ids.length === 0) {
    throw new EnvironmentError(
      'unknown_scenario',
      `${options.environment} has no scenarios in split "${split}" (splits: ${splitNames.join(', ')})`,
    );
  }
  return ids[new Rng(reset.seed).fork('scenario').int(ids.length)];
}

/** An Environment where tool calls go to the tools and text goes to the simulated user. */
export function createToolUserEnvironment<TWorld, TScenario>(
  options: ToolUserEnvironmentOptions<TWorld, TScenario>,
): Environment<ToolUserState<TWorld, TScenario>> {
  type State = ToolUserState<TWorld, TScenario>;
  const terminal = new Set(options.terminalTools ?? []);
  return {
    name: options.name,
    tools: options.tools,
    scenarioIds(split: string): readonly string[] {
      const ids = options.splits[split];
      if (ids === undefined) {
        const known = Object.keys(options.splits).join(', ');
        throw new EnvironmentError(
          'unknown_scenario',
          `${options.name} has no split "${split}" (splits: ${known})`,
        );
      }
      return ids;
    },
    async reset(reset: ResetOptions): Promise<EnvironmentReset<State>> {
      const scenarioId = chooseScenario({ splits: options.splits, environment: options.name, reset });
      const scenario = await options.scenario(scenarioId);
      const user = options.user(scenario, reset.seed);
      const opening = await user.open({ signal: reset.signal });
      const state: State = { scenarioId, scenario, world: options.world(scenario), user, calledTools: [] };
      const messages: Message[] = [
        { role: 'system', content: options.systemPrompt(scenario) },
        { role: 'user', content: opening.content },
      ];
      return { state, messages, scenarioId };
    },
    async step(state: State, turn: AgentTurn, stepOptions): Promise<EnvironmentStep<State>> {
      if (isToolTurn(turn)) {
        const answer = await answerToolTurn({
          tools: options.tools,
          state,
          turn,
          onToolException: options.onToolException,
        });
        state.calledTools.push(...answer.calledTools);
        const ended = answer.calledTools.some((name) => terminal.has(name));
        return {
          state,
          messages: answer.messages,
          toolErrors: answer.toolErrors,
          toolErrorCounts: answer.errorCounts,
          ...(ended ? { stop: 'terminal_tool' as const } : {}),
        };
      }
      const reply = await state.user.reply({
        agentMessage: turn.message.content,
        signal: stepOptions?.signal,
      });
      return {
        state,
        messages: [{ role: 'user', content: reply.content }],
        toolErrors: 0,
        ...(reply.stop ? { stop: 'user_stop' as const } : {}),
      };
    },
  };
}
