// What the benchmarks ran on: cores, CPU, Node, and the load average, since this machine is shared
// and a loaded machine makes every absolute time slower.

import os from 'node:os';

/** The machine and its load at one moment. */
export type MachineFacts = {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages, rounded to 0.01. */
  readonly loadAverage: readonly [number, number, number];
};

/** The machine now. */
export function machineFacts(): MachineFacts {
  const [one, five, fifteen] = os.loadavg().map((load) => Math.round(load * 100) / 100);
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage: [one, five, fifteen],
  };
}

/** One line for reports: cores and the 1/5/15-minute load average. */
export function loadLine(facts: MachineFacts = machineFacts()): string {
  return `${facts.cores} cores (${facts.cpu}), load average ${facts.loadAverage.join(' / ')} (1/5/15 min)`;
}
