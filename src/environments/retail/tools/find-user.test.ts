import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { findUserIdByEmail, findUserIdByNameZip } from './find-user.js';

describe('find_user_id_by_email', () => {
  it('finds the user whatever the case of the email', () => {
    expect(callTool(findUserIdByEmail, retailFixture(), { email: 'ada@EXAMPLE.com' })).toEqual({
      ok: true,
      content: 'ada_lovelace_1',
    });
  });

  it('answers user not found for an unknown email', () => {
    expect(callTool(findUserIdByEmail, retailFixture(), { email: 'nobody@example.com' })).toEqual({
      ok: false,
      error: 'Error: user not found',
    });
  });

  it('rejects arguments other than the email', () => {
    expect(findUserIdByEmail.arguments.safeParse({}).success).toBe(false);
    expect(findUserIdByEmail.arguments.safeParse({ email: 'a', extra: 1 }).success).toBe(false);
  });
});

describe('find_user_id_by_name_zip', () => {
  it('matches names case-insensitively and the zip exactly', () => {
    const database = retailFixture();
    const find = (args: object) => callTool(findUserIdByNameZip, database, args);
    expect(find({ first_name: 'bob', last_name: 'SMITH', zip: '10001' })).toEqual({
      ok: true,
      content: 'bob_smith_2',
    });
    expect(find({ first_name: 'Bob', last_name: 'Smith', zip: '10001 ' })).toEqual({
      ok: false,
      error: 'Error: user not found',
    });
    expect(find({ first_name: 'Bob', last_name: 'Lovelace', zip: '10001' })).toEqual({
      ok: false,
      error: 'Error: user not found',
    });
  });
});
