// All 16 tools of τ-bench's retail domain, in the order of `tool_schemas.json`.

import type { RetailTool } from './retail-tool.js';
import { cancelPendingOrder } from './tools/cancel-pending-order.js';
import { exchangeDeliveredOrderItems } from './tools/exchange-delivered-order-items.js';
import { findUserIdByEmail, findUserIdByNameZip } from './tools/find-user.js';
import { calculate, think, transferToHumanAgents } from './tools/generic-tools.js';
import {
  getOrderDetails,
  getProductDetails,
  getUserDetails,
  listAllProductTypes,
} from './tools/get-details.js';
import { modifyPendingOrderAddress } from './tools/modify-pending-order-address.js';
import { modifyPendingOrderItems } from './tools/modify-pending-order-items.js';
import { modifyPendingOrderPayment } from './tools/modify-pending-order-payment.js';
import { modifyUserAddress } from './tools/modify-user-address.js';
import { returnDeliveredOrderItems } from './tools/return-delivered-order-items.js';

/** The retail tools, with τ-bench's exact names, descriptions and parameter schemas. */
export const RETAIL_TOOLS: readonly RetailTool[] = [
  calculate,
  cancelPendingOrder,
  exchangeDeliveredOrderItems,
  findUserIdByEmail,
  findUserIdByNameZip,
  getOrderDetails,
  getProductDetails,
  getUserDetails,
  listAllProductTypes,
  modifyPendingOrderAddress,
  modifyPendingOrderItems,
  modifyPendingOrderPayment,
  modifyUserAddress,
  returnDeliveredOrderItems,
  think,
  transferToHumanAgents,
];

/** The retail tool called `name`, or undefined. */
export function findRetailTool(name: string): RetailTool | undefined {
  return RETAIL_TOOLS.find((tool) => tool.name === name);
}
