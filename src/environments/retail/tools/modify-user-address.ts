// Changes a user's default address.

import { z } from 'zod';
import { defineRetailTool, fail, succeedWithJson } from '../retail-tool.js';
import { ADDRESS_ARGUMENTS, ADDRESS_PARAMETERS, objectParameters, USER_ID_PARAMETER } from './parameters.js';

/** `modify_user_address`: the user's address becomes the six given fields. */
export const modifyUserAddress = defineRetailTool({
  name: 'modify_user_address',
  description:
    'Modify the default address of a user. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  parameters: objectParameters({ user_id: USER_ID_PARAMETER, ...ADDRESS_PARAMETERS }),
  arguments: z.strictObject({ user_id: z.string(), ...ADDRESS_ARGUMENTS }),
  invoke: (database, { user_id: userId, address1, address2, city, state, country, zip }) => {
    if (!Object.hasOwn(database.users, userId)) return fail('user not found');
    const user = database.users[userId];
    user.address = { address1, address2, city, state, country, zip };
    return succeedWithJson(user);
  },
});
