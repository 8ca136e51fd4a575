import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from './progress-display.js';

function sink(isTTY: boolean): { text: string; isTTY: boolean; write(text: string): void } {
  return {
    text: '',
    isTTY,
    write(text: string) {
      this.text += text;
    },
  };
}

describe('ProgressDisplay', () => {
  it('redraws one line in place on a TTY and ends it on finish', () => {
    const output = sink(true);
    const display = new ProgressDisplay({ output });
    display.update('step 1');
    display.update('step 2');
    display.finish();
    expect(output.text).toBe('\rstep 1\x1b[K\rstep 2\x1b[K\n');
  });

  it('writes plain lines at most once per interval elsewhere, unless forced', () => {
    const output = sink(false);
    let time = 0;
    const display = new ProgressDisplay({ output, intervalMs: 1000, now: () => time });
    display.update('step 1');
    time = 500;
    display.update('step 2');
    time = 1000;
    display.update('step 3');
    time = 1100;
    display.update('step 4', true);
    display.finish();
    expect(output.text).toBe('step 1\nstep 3\nstep 4\n');
  });
});
