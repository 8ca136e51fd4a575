// JSON-schema fragments that several retail tools share, worded exactly as τ-bench's
// `tool_schemas.json`, and the zod schema of an address.

import { z } from 'zod';
import type { JsonSchema } from '../../tool.js';

/** The `order_id` parameter. */
export const ORDER_ID_PARAMETER: JsonSchema = {
  type: 'string',
  description:
    "The order id, such as '#W0000000'. Be careful there is a '#' symbol at the beginning of the order id.",
};

/** The `user_id` parameter. */
export const USER_ID_PARAMETER: JsonSchema = {
  type: 'string',
  description: "The user id, such as 'sara_doe_496'.",
};

/** The `payment_method_id` parameter of the order tools. */
export const PAYMENT_METHOD_ID_PARAMETER: JsonSchema = {
  type: 'string',
  description:
    "The payment method id to pay or receive refund for the item price difference, such as 'gift_card_0000000' or 'credit_card_0000000'. These can be looked up from the user or order details.",
};

/** The six address parameters, in the order the tools take them. */
export const ADDRESS_PARAMETERS: Readonly<Record<string, JsonSchema>> = {
  address1: { type: 'string', description: "The first line of the address, such as '123 Main St'." },
  address2: { type: 'string', description: "The second line of the address, such as 'Apt 1' or ''." },
  city: { type: 'string', description: "The city, such as 'San Francisco'." },
  state: { type: 'string', description: "The state, such as 'CA'." },
  country: { type: 'string', description: "The country, such as 'USA'." },
  zip: { type: 'string', description: "The zip code, such as '12345'." },
};

/** The zod fields of the six address parameters. */
export const ADDRESS_ARGUMENTS = {
  address1: z.string(),
  address2: z.string(),
  city: z.string(),
  state: z.string(),
  country: z.string(),
  zip: z.string(),
};

/** An array-of-item-ids parameter with its description. */
export function itemIdsParameter(description: string): JsonSchema {
  return { type: 'array', items: { type: 'string' }, description };
}

/** An object schema whose properties are all required, as every retail tool's are. */
export function objectParameters(properties: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties) };
}
