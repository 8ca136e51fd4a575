// The read tools: a user, an order or a product as the original's JSON text, and the product list.

import { z } from 'zod';
import { pythonSorted } from '../python-text.js';
import { defineRetailTool, fail, succeedWithJson } from '../retail-tool.js';
import { objectParameters, ORDER_ID_PARAMETER, USER_ID_PARAMETER } from './parameters.js';

/** `get_user_details`: the user record. */
export const getUserDetails = defineRetailTool({
  name: 'get_user_details',
  description: 'Get the details of a user, including their orders.',
  parameters: objectParameters({ user_id: USER_ID_PARAMETER }),
  arguments: z.strictObject({ user_id: z.string() }),
  invoke: (database, { user_id: userId }) =>
    Object.hasOwn(database.users, userId) ? succeedWithJson(database.users[userId]) : fail('user not found'),
});

/** `get_order_details`: the order record. */
export const getOrderDetails = defineRetailTool({
  name: 'get_order_details',
  description: 'Get the status and details of an order.',
  parameters: objectParameters({ order_id: ORDER_ID_PARAMETER }),
  arguments: z.strictObject({ order_id: z.string() }),
  invoke: (database, { order_id: orderId }) =>
    Object.hasOwn(database.orders, orderId)
      ? succeedWithJson(database.orders[orderId])
      : fail('order not found'),
});

/** `get_product_details`: the product with all its variants. */
export const getProductDetails = defineRetailTool({
  name: 'get_product_details',
  description: 'Get the inventory details of a product.',
  parameters: objectParameters({
    product_id: {
      type: 'string',
      description:
        "The product id, such as '6086499569'. Be careful the product id is different from the item id.",
    },
  }),
  arguments: z.strictObject({ product_id: z.string() }),
  invoke: (database, { product_id: productId }) =>
    Object.hasOwn(database.products, productId)
      ? succeedWithJson(database.products[productId])
      : fail('product not found'),
});

/** `list_all_product_types`: `{ product name: product id }`, sorted by name. */
export const listAllProductTypes = defineRetailTool({
  name: 'list_all_product_types',
  description:
    'List the name and product id of all product types. Each product type has a variety of different items with unique item ids and options. There are only 50 product types in the store.',
  parameters: objectParameters({}),
  arguments: z.strictObject({}),
  invoke: (database) => {
    const idByName = new Map<string, string>();
    for (const product of Object.values(database.products)) idByName.set(product.name, product.product_id);
    // A Map keeps the sorted order even for names a plain object would reorder.
    const sorted = new Map(pythonSorted([...idByName.keys()]).map((name) => [name, idByName.get(name)]));
    return succeedWithJson(sorted);
  },
});
