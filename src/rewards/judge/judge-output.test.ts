import { describe, expect, it } from 'vitest';
import { parseJudgeOutput } from './judge-output.js';

const ids = ['t1', 't2'];

describe('parseJudgeOutput', () => {
  it('returns the verdicts in the order of the ids, whatever order the judge used', () => {
    const text = '{"scores":[{"id":"t2","score":0,"explanation":"bad"},{"id":"t1","score":1}]}';
    expect(parseJudgeOutput(text, ids)).toEqual({
      ok: true,
      value: [
        { id: 't1', score: 1, explanation: '' },
        { id: 't2', score: 0, explanation: 'bad' },
      ],
    });
  });

  it('accepts the JSON inside a Markdown code fence', () => {
    const text = '```json\n{"scores":[{"id":"t1","score":0.5},{"id":"t2","score":0.25}]}\n```';
    expect(parseJudgeOutput(text, ids)).toMatchObject({ ok: true, value: [{ score: 0.5 }, { score: 0.25 }] });
  });

  it('names the problem for each kind of malformed answer', () => {
    const cases: [string, RegExp][] = [
      ['sure!', /not JSON/],
      ['[]', /not the scores JSON/],
      ['{"scores":[{"id":"t1"}]}', /scores\.0\.score/],
      ['{"scores":[{"id":"t1","score":1}]}', /missing ids t2/],
      ['{"scores":[{"id":"t1","score":1},{"id":"t1","score":1}]}', /duplicate id "t1"/],
      ['{"scores":[{"id":"t3","score":1}]}', /unknown id "t3"/],
      ['{"scores":[{"id":"t1","score":2},{"id":"t2","score":1}]}', /outside \[0, 1\]/],
    ];
    for (const [text, reason] of cases) {
      const result = parseJudgeOutput(text, ids);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.error, text).toMatch(reason);
    }
  });
});
