import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { loadRetailData } from '../environments/retail/retail-data.js';
import { createSupportLiteEnvironment } from '../environments/support-lite/environment.js';
import { ORDER_ID_PATTERN } from '../environments/support-lite/id-fragments.js';
import { generateDemonstrations } from '../environments/support-lite/teacher-demonstrations.js';
import { retailDataDirForTests } from '../environments/test-support/retail-test-data.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import {
  copiedIdTokens,
  curriculumSequences,
  type CurriculumSequencesOptions,
  fromFirstToolCallToAnswer,
  statusTokens,
  upToFirstToolCall,
} from './copy-curriculum.js';
import { factPools } from '../environments/support-lite/id-fragments.js';

/** The retail database and `count` teacher demonstrations on it (with the teacher's default mistakes unless `mistakeRate`). */
async function teacherData(count: number, seed: number, mistakeRate?: number) {
  const { database } = await loadRetailData(retailDataDirForTests());
  const environment = createSupportLiteEnvironment({ database });
  const demonstrations = await generateDemonstrations({ environment, database, count, seed, mistakeRate });
  return { database, demonstrations };
}

/** The curriculum of `demonstrations` with the byte renderer, seed 0 and no excluded ids, unless `options` say otherwise. */
function fragmentsOf(
  demonstrations: readonly { readonly trajectory: Trajectory }[],
  options: Partial<CurriculumSequencesOptions> = {},
) {
  return curriculumSequences({
    demonstrations: demonstrations.map((demonstration) => demonstration.trajectory),
    renderer: new ByteChatRenderer({ tokenizer: new ByteTokenizer() }),
    seed: 0,
    realIds: new Set(),
    ...options,
  });
}

describe('copy curriculum', () => {
  it('fragments train every token after the first, carry no system prompt and no real order id', async () => {
    const { database, demonstrations } = await teacherData(6, 2);
    const tokenizer = new ByteTokenizer();
    const realIds = new Set(Object.values(database.orders).map((order) => order.order_id));
    const sequences = fragmentsOf(demonstrations, { realIds });
    expect(sequences).toHaveLength(6);
    for (const sequence of sequences) {
      expect(sequence.mask[0]).toBe(0);
      expect(sequence.mask.slice(1).every((m) => m === 1)).toBe(true);
      const text = tokenizer.decode(sequence.tokens);
      expect(text).not.toContain('<|system|>');
      const ids = [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]);
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) expect(realIds.has(id)).toBe(false);
    }
  });

  it('weighs the digits of repeated ids by copyWeight, and nothing else', async () => {
    const { demonstrations } = await teacherData(4, 3);
    const build = (copyWeight?: number) =>
      fragmentsOf(demonstrations, {
        copyWeight,
      });
    const plain = build();
    const weighted = build(20);
    weighted.forEach((sequence, index) => {
      expect(sequence.tokens).toEqual(plain[index].tokens);
      // One character per token (special tokens as NUL), so text positions are token positions.
      const text = String.fromCharCode(...sequence.tokens.map((token) => (token < 256 ? token : 0)));
      const matches = [...text.matchAll(ORDER_ID_PATTERN)];
      // The first occurrence of each id is unpredictable: weight 1 like the text around it.
      const first = matches.find((match) => text.indexOf(match[0]) === match.index);
      const copy = matches.find((match) => text.indexOf(match[0]) < match.index);
      if (first === undefined || copy === undefined) throw new Error('fragment without a repeated id');
      expect(sequence.mask.slice(first.index, first.index + 9)).toEqual(Array(9).fill(1));
      expect(sequence.mask.slice(copy.index, copy.index + 9)).toEqual([1, 1, ...Array(7).fill(20)]);
      const heavy = sequence.mask.filter((m) => m === 20).length;
      const copies = matches.filter((match) => text.indexOf(match[0]) < match.index).length;
      expect(heavy).toBe(7 * copies);
      expect(sequence.mask.filter((m) => m !== 20 && m !== 1)).toEqual([0]);
    });
  });

  it("'lookup' fragments end at the first tool call, which copies the customer's id", async () => {
    // Without teacher mistakes, so that every lookup is of the customer's own id.
    const { demonstrations } = await teacherData(8, 4, 0);
    const tokenizer = new ByteTokenizer();
    const build = (fragments: 'full' | 'lookup' | 'mixed') =>
      fragmentsOf(demonstrations, {
        fragments,
      });
    const full = build('full');
    build('lookup').forEach((sequence, index) => {
      // The same fresh ids as the full fragment, which it begins.
      expect(full[index].tokens.slice(0, sequence.tokens.length)).toEqual(sequence.tokens);
      expect(sequence.tokens.length).toBeLessThan(full[index].tokens.length);
      const text = tokenizer.decode(sequence.tokens);
      expect(text).not.toContain('<|tool|>');
      expect(text.trimEnd().endsWith('<|end|>')).toBe(true);
      const ids = [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]);
      expect(ids.at(-1)).toBe(ids[0]);
    });
    // 'mixed': a lookup fragment then a full one per demonstration, each with its own fresh ids.
    const mixed = build('mixed');
    expect(mixed).toHaveLength(2 * full.length);
    for (let index = 0; index < full.length; index++) {
      const [lookup, whole] = [mixed[2 * index], mixed[2 * index + 1]].map((sequence) =>
        tokenizer.decode(sequence.tokens),
      );
      expect(lookup).not.toContain('<|tool|>');
      expect(whole).toContain('<|tool|>');
      const firstId = (text: string) => [...text.matchAll(ORDER_ID_PATTERN)][0][0];
      expect(firstId(lookup)).not.toBe(firstId(whole));
    }
    const withoutCall = [{ role: 'user' as const, content: 'hi' }];
    expect(upToFirstToolCall(withoutCall)).toEqual(withoutCall);
  });

  it("'answer' fragments run from the first tool call to the answer, facts varied with the database's values", async () => {
    const { database, demonstrations } = await teacherData(12, 6, 0);
    const tokenizer = new ByteTokenizer();
    const pools = factPools(database);
    const build = (fragments: 'answer' | 'lookup+answer', facts = true) =>
      fragmentsOf(demonstrations, {
        fragments,
        facts: facts ? pools : undefined,
      }).map((sequence) => tokenizer.decode(sequence.tokens));
    const answers = build('answer');
    expect(answers).toHaveLength(demonstrations.length);
    let varied = 0;
    let withDetails = 0;
    answers.forEach((text, index) => {
      expect(text.startsWith('<|assistant|><tool_call>')).toBe(true);
      expect(text).not.toContain('<|user|>');
      expect(text.trimEnd().endsWith('<|end|>')).toBe(true);
      const details = /items: ([^|<]*) \| address: ([^<]*)<\|end\|>/.exec(text);
      if (details === null) return; // an order that was not found
      withDetails++;
      const original =
        demonstrations[index].trajectory.messages.find((message) => message.role === 'tool')?.content ?? '';
      // The tool result states the fragment's facts, not the demonstration's.
      if (!original.includes(details[1]) || !original.includes(details[2])) varied++;
      for (const name of details[1].split(', ')) expect(pools.itemNames).toContain(name);
      // And the answer after it copies them.
      const answer = text.slice(text.lastIndexOf('<|assistant|>'));
      if (answer.includes('ships to')) expect(answer).toContain(details[2]);
      if (answer.includes('has:')) expect(answer).toContain(details[1]);
    });
    expect(withDetails).toBeGreaterThan(0);
    expect(varied).toBe(withDetails);
    // Without facts the details are the demonstration's own.
    for (const text of build('answer', false)) {
      const details = /items: ([^|<]*) \| address: ([^<]*)<\|end\|>/.exec(text);
      if (details !== null) expect(JSON.stringify(demonstrations)).toContain(details[1]);
    }
    const both = build('lookup+answer');
    expect(both).toHaveLength(2 * demonstrations.length);
    expect(both.filter((text) => text.startsWith('<|user|>'))).toHaveLength(demonstrations.length);
    const withoutCall = [{ role: 'user' as const, content: 'hi' }];
    expect(fromFirstToolCallToAnswer(withoutCall)).toEqual(withoutCall);
  });

  it('with statusSwap, answer fragments end where the answer states the drawn status, which weighs copyWeight', async () => {
    const { demonstrations } = await teacherData(40, 8, 0);
    const tokenizer = new ByteTokenizer();
    const build = (statusSwap: boolean) =>
      fragmentsOf(demonstrations, { fragments: 'answer', copyWeight: 20, statusSwap });
    const plain = build(false);
    const swapped = build(true);
    expect(swapped).toHaveLength(demonstrations.length);
    const statuses = new Set<string>();
    let cut = 0;
    swapped.forEach((sequence, index) => {
      const text = tokenizer.decode(sequence.tokens);
      const intent = demonstrations[index].trajectory.metadata.scenarioId.split(':')[0];
      const status = /\| status: (\w+)/.exec(text)?.[1];
      if ((intent === 'status' || intent === 'cancel') && status !== undefined && !text.includes('is now')) {
        // Ends on the status the tool result gave, right after the answer's "is".
        const said = ` is ${status}`;
        expect(text.endsWith(said)).toBe(true);
        const from = sequence.tokens.length - status.length;
        expect(sequence.mask.slice(from)).toEqual(Array(status.length).fill(20));
        expect(sequence.mask.slice(0, from).every((m) => m === 0 || m === 1 || m === 20)).toBe(true);
        expect(sequence.tokens.length).toBe(sequence.logprobs.length);
        expect(sequence.tokens.length).toBe(sequence.turnIndex.length);
        statuses.add(status);
        cut++;
      } else {
        // Items, addresses and orders not found: the plain answer fragment (its fresh ids drawn later).
        const withoutIds = (fragment: string) => fragment.replace(ORDER_ID_PATTERN, '#W');
        expect(withoutIds(text)).toBe(withoutIds(tokenizer.decode(plain[index].tokens)));
        expect(text.trimEnd().endsWith('<|end|>')).toBe(true);
      }
    });
    expect(cut).toBeGreaterThan(10);
    expect(statuses.size).toBe(4);
  });

  it('with factWeight, the facts an answer copies from the tool result weigh it; the tool result itself does not', async () => {
    const { database, demonstrations } = await teacherData(24, 9, 0);
    const tokenizer = new ByteTokenizer();
    const build = (factWeight?: number) =>
      fragmentsOf(demonstrations, {
        fragments: 'answer',
        copyWeight: 20,
        facts: factPools(database),
        factWeight,
      });
    const plain = build();
    const weighted = build(5);
    let addresses = 0;
    weighted.forEach((sequence, index) => {
      expect(sequence.tokens).toEqual(plain[index].tokens);
      // Where each token's text starts in the decoded fragment (special tokens are several characters).
      const starts: number[] = [];
      let text = '';
      for (const token of sequence.tokens) {
        starts.push(text.length);
        text += tokenizer.decode([token]);
      }
      const answerAt = text.lastIndexOf('<|assistant|>');
      const resultEnd = text.indexOf('<|end|>', text.indexOf('<|tool|>'));
      sequence.mask.forEach((weight, position) => {
        // Neither the lookup's arguments nor the tool result copy anything.
        if (starts[position] < resultEnd && weight === 5)
          throw new Error(`weight 5 before the answer at ${position}`);
        expect(weight).toBeGreaterThanOrEqual(plain[index].mask[position]);
      });
      const shipsTo = /ships to ([^<]+)\.<\|end\|>/.exec(text.slice(answerAt));
      if (shipsTo === null) return;
      addresses++;
      const from = starts.indexOf(text.indexOf(shipsTo[1], answerAt));
      const span = shipsTo[1].length;
      expect(sequence.mask.slice(from, from + span)).toEqual(Array(span).fill(5));
      expect(plain[index].mask.slice(from, from + span)).toEqual(Array(span).fill(1));
    });
    expect(addresses).toBeGreaterThan(0);
  });

  it("finds the answer's status inside multi-character tokens, after the tool result gave it", () => {
    const pieces = ['order #W1 | status: ', 'pen', 'ding', ' |', 'Order #W1 is', ' pen', 'ding', '.'];
    const tokenizer = { decode: (ids: readonly number[]) => ids.map((id) => pieces[id]).join('') };
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(statusTokens(all, tokenizer, 'pending')).toEqual([5, 6]);
    // Another status, or an answer before any tool result, is not a copy.
    expect(statusTokens(all, tokenizer, 'processed')).toEqual([]);
    expect(statusTokens([4, 5, 6, 7], tokenizer, 'pending')).toEqual([]);
  });

  it('finds copied digits inside multi-character tokens', () => {
    const pieces = ['order ', '#W12', '345', '67', ' and ', '#W1', '2345', '67', '!'];
    const tokenizer = { decode: (ids: readonly number[]) => ids.map((id) => pieces[id]).join('') };
    expect(copiedIdTokens([0, 1, 2, 3, 4, 5, 6, 7, 8], tokenizer)).toEqual([5, 6, 7]);
    // Another id is not a copy.
    pieces[6] = '2346';
    expect(copiedIdTokens([0, 1, 2, 3, 4, 5, 6, 7, 8], tokenizer)).toEqual([]);
  });
});
