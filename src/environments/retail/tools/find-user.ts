// The two ways to authenticate a user: by email, or by name and zip code.

import { z } from 'zod';
import { defineRetailTool, fail, succeed } from '../retail-tool.js';
import { objectParameters } from './parameters.js';

/** `find_user_id_by_email`: the first user, in file order, whose email matches case-insensitively. */
export const findUserIdByEmail = defineRetailTool({
  name: 'find_user_id_by_email',
  description: 'Find user id by email. If the user is not found, the function will return an error message.',
  parameters: objectParameters({
    email: { type: 'string', description: "The email of the user, such as 'something@example.com'." },
  }),
  arguments: z.strictObject({ email: z.string() }),
  invoke: (database, { email }) => {
    const wanted = email.toLowerCase();
    for (const [userId, user] of Object.entries(database.users)) {
      if (user.email.toLowerCase() === wanted) return succeed(userId);
    }
    return fail('user not found');
  },
});

/** `find_user_id_by_name_zip`: names match case-insensitively, the zip code exactly. */
export const findUserIdByNameZip = defineRetailTool({
  name: 'find_user_id_by_name_zip',
  description:
    'Find user id by first name, last name, and zip code. If the user is not found, the function will return an error message. By default, find user id by email, and only call this function if the user is not found by email or cannot remember email.',
  parameters: objectParameters({
    first_name: { type: 'string', description: "The first name of the customer, such as 'John'." },
    last_name: { type: 'string', description: "The last name of the customer, such as 'Doe'." },
    zip: { type: 'string', description: "The zip code of the customer, such as '12345'." },
  }),
  arguments: z.strictObject({ first_name: z.string(), last_name: z.string(), zip: z.string() }),
  invoke: (database, { first_name: firstName, last_name: lastName, zip }) => {
    for (const [userId, user] of Object.entries(database.users)) {
      if (
        user.name.first_name.toLowerCase() === firstName.toLowerCase() &&
        user.name.last_name.toLowerCase() === lastName.toLowerCase() &&
        user.address.zip === zip
      ) {
        return succeed(userId);
      }
    }
    return fail('user not found');
  },
});
