import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.js';

describe('OutputTail', () => {
  it('keeps the last `limit` characters of everything appended', () => {
    const tail = new OutputTail(5);
    tail.append('abc');
    expect(tail.text()).toBe('abc');
    tail.append(Buffer.from('defgh'));
    expect(tail.text()).toBe('defgh');
    for (let index = 0; index < 100; index++) tail.append(String(index % 10));
    expect(tail.text()).toBe('56789');
  });
});
