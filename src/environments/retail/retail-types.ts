// The τ-bench retail store database: users, orders and products, keyed by id, in the exact JSON
// shape of the upstream data files (snake_case fields). Tools mutate an episode's copy in place.

/** One purchasable variant of a product, keyed by its item id. */
export type ProductVariant = {
  item_id: string;
  options: Record<string, string>;
  available: boolean;
  price: number;
};

/** A product type with all its variants. */
export type Product = {
  name: string;
  product_id: string;
  variants: Record<string, ProductVariant>;
};

/** A credit card on file. */
export type CreditCard = { source: 'credit_card'; id: string; brand: string; last_four: string };

/** A gift card; its balance is rounded to cents after every change. */
export type GiftCard = { source: 'gift_card'; id: string; balance: number };

/** A PayPal account. */
export type PayPal = { source: 'paypal'; id: string };

/** A payment method a user has on file, discriminated on `source`. */
export type PaymentMethod = CreditCard | GiftCard | PayPal;

/** A postal address, as users and orders store it. */
export type Address = {
  address1: string;
  address2: string;
  city: string;
  country: string;
  state: string;
  zip: string;
};

/** A customer of the store. */
export type RetailUser = {
  name: { first_name: string; last_name: string };
  address: Address;
  email: string;
  payment_methods: Record<string, PaymentMethod>;
  orders: string[];
};

/** One line of an order: a variant at the price paid. */
export type OrderItem = {
  name: string;
  product_id: string;
  item_id: string;
  price: number;
  options: Record<string, string>;
};

/** A shipment of some of an order's items. */
export type Fulfillment = { tracking_id: string[]; item_ids: string[] };

/** Money moving for an order: a payment or a refund. */
export type PaymentTransaction = {
  transaction_type: 'payment' | 'refund';
  amount: number;
  payment_method_id: string;
};

/**
 * An order. `status` is one of 'pending', 'processed', 'delivered', 'cancelled', or what the write
 * tools set: 'pending (item modified)', 'exchange requested', 'return requested'; the optional fields
 * are written by those tools.
 */
export type RetailOrder = {
  order_id: string;
  user_id: string;
  address: Address;
  items: OrderItem[];
  status: string;
  fulfillments: Fulfillment[];
  payment_history: PaymentTransaction[];
  cancel_reason?: string;
  exchange_items?: string[];
  exchange_new_items?: string[];
  exchange_payment_method_id?: string;
  exchange_price_difference?: number;
  return_items?: string[];
  return_payment_method_id?: string;
};

/** The whole store: the state a retail episode's tools read and mutate. */
export type RetailDatabase = {
  users: Record<string, RetailUser>;
  orders: Record<string, RetailOrder>;
  products: Record<string, Product>;
};

/** An OpenAI function schema of one tool, as `tool_schemas.json` lists them. */
export type RetailToolSchema = {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Readonly<Record<string, unknown>>;
  };
};

/** Everything loaded from a τ-bench retail data folder. `database` is deeply frozen: copy it per episode. */
export type RetailData = {
  readonly database: RetailDatabase;
  /** The agent policy (`wiki.md`), used as the system prompt. */
  readonly policy: string;
  readonly toolSchemas: readonly RetailToolSchema[];
};
