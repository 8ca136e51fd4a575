import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { createLogger, resolveLogLevel } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the name, message and fields', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ name: 'trainer', destination: stream, env: {} });
    logger.info({ step: 3 }, 'hello');
    const [line] = lines();
    expect(line).toMatchObject({ name: 'trainer', msg: 'hello', step: 3, level: 30 });
  });

  it('defaults to info and drops debug lines', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ destination: stream, env: {} });
    expect(logger.level).toBe('info');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('takes the level from STATESET_LOG_LEVEL', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ destination: stream, env: { STATESET_LOG_LEVEL: 'debug' } });
    logger.debug('visible');
    expect(lines().map((line) => line.msg)).toEqual(['visible']);
  });

  it('lets the level option override the environment', () => {
    const logger = createLogger({
      level: 'error',
      destination: capture().stream,
      env: { STATESET_LOG_LEVEL: 'debug' },
    });
    expect(logger.level).toBe('error');
  });

  it('treats an empty environment value as unset', () => {
    expect(resolveLogLevel({ env: { STATESET_LOG_LEVEL: '' } })).toBe('info');
  });

  it('accepts levels in any case', () => {
    expect(resolveLogLevel({ level: 'WARN', env: {} })).toBe('warn');
  });

  it('rejects an unknown level option with invalid_config naming the valid levels', () => {
    expect(() => createLogger({ level: 'loud', env: {} })).toThrow(ConfigError);
    expect(() => createLogger({ level: 'loud', env: {} })).toThrow(/"loud".*trace, debug, info/);
    try {
      createLogger({ level: 'loud', env: {} });
    } catch (error) {
      expect((error as ConfigError).code).toBe('invalid_config');
    }
  });

  it('rejects an unknown level from the environment and names the variable', () => {
    expect(() => resolveLogLevel({ env: { STATESET_LOG_LEVEL: 'verbose' } })).toThrow(/STATESET_LOG_LEVEL/);
  });
});
