// One trajectory as HTML for the run report: the messages in order, tool calls and tool results in
// their own styled blocks, each assistant turn's reward, and the episode's reward and its parts.

import { toJsonText } from '../../conversation/json-text.js';
import type { Message } from '../../conversation/messages.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import { escapeHtml } from './html-escape.js';

/** A trajectory as an `<article>`; every text is escaped. `label` says why it was picked. */
export function renderConversation(trajectory: Trajectory, label: string): string {
  const turnRewards = new Map<number, number>();
  for (const turn of trajectory.turns) {
    if (turn.reward !== undefined) turnRewards.set(turn.messageIndex, turn.reward);
  }
  const { metadata } = trajectory;
  const facts = [
    `scenario ${metadata.scenarioId}`,
    `seed ${metadata.seed}`,
    `stopped: ${metadata.stopReason}`,
    `${metadata.toolErrors} tool error${metadata.toolErrors === 1 ? '' : 's'}`,
  ];
  const parts = Object.entries(trajectory.rewardParts ?? {});
  return [
    '<article class="conversation">',
    `<h3>${escapeHtml(label)}: reward ${trajectory.reward === undefined ? 'n/a' : formatNumber(trajectory.reward)}</h3>`,
    `<p class="facts">${facts.map(escapeHtml).join(' · ')}</p>`,
    parts.length === 0
      ? ''
      : `<table class="parts"><tr>${parts.map(([name]) => `<th>${escapeHtml(name)}</th>`).join('')}</tr>` +
        `<tr>${parts.map(([, value]) => `<td>${formatNumber(value)}</td>`).join('')}</tr></table>`,
    ...trajectory.messages.map((message, index) => renderMessage(message, turnRewards.get(index))),
    '</article>',
  ].join('\n');
}

function renderMessage(message: Message, turnReward: number | undefined): string {
  switch (message.role) {
    case 'system':
      return (
        `<details class="msg system"><summary>system prompt (${message.content.length} characters)</summary>` +
        `<pre>${escapeHtml(message.content)}</pre></details>`
      );
    case 'user':
      return `<div class="msg user"><div class="role">user</div><pre>${escapeHtml(message.content)}</pre></div>`;
    case 'assistant': {
      const reward =
        turnReward === undefined
          ? ''
          : ` <span class="turn-reward">turn reward ${formatNumber(turnReward)}</span>`;
      const text = message.content === '' ? '' : `<pre>${escapeHtml(message.content)}</pre>`;
      const calls = (message.toolCalls ?? []).map(
        (call) =>
          `<div class="tool-call"><span class="tag">tool call</span> <code>${escapeHtml(call.name)}</code> ` +
          `<span class="call-id">${escapeHtml(call.id)}</span><pre>${escapeHtml(toJsonText(call.arguments))}</pre></div>`,
      );
      return [
        `<div class="msg assistant"><div class="role">assistant${reward}</div>`,
        text,
        ...calls,
        '</div>',
      ].join('');
    }
    case 'tool': {
      const error = message.isError === true;
      return (
        `<div class="msg tool${error ? ' error' : ''}"><div class="role">` +
        `<span class="tag">${error ? 'tool error' : 'tool result'}</span> <code>${escapeHtml(message.name)}</code> ` +
        `<span class="call-id">${escapeHtml(message.toolCallId)}</span></div>` +
        `<pre>${escapeHtml(message.content)}</pre></div>`
      );
    }
  }
}

/** A metric value for the report: up to four significant digits. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
