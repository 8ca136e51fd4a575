// The lm-demo's built-in training text: short customer-support exchanges, one turn per line,
// written for this project. Small enough for a tiny byte-level model to learn in seconds.

/** One customer turn and the agent's reply. */
export type DemoExchange = {
  readonly customer: string;
  readonly agent: string;
};

/** Fifteen exchanges, thirty lines of support dialogue. */
export const DEMO_EXCHANGES: readonly DemoExchange[] = [
  {
    customer: 'Where is my order? It was due yesterday.',
    agent: 'Sorry for the wait. Your parcel left today and arrives tomorrow.',
  },
  {
    customer: 'I was charged twice for the same order.',
    agent: 'I see two charges. I refunded the second; allow three days.',
  },
  {
    customer: 'Can I change the delivery address?',
    agent: 'Yes, while the order has not shipped. What is the new address?',
  },
  {
    customer: 'The blender arrived with a cracked jug.',
    agent: 'Sorry it came damaged. I will send a new jug today, free.',
  },
  {
    customer: 'How do I return a pair of shoes?',
    agent: 'Print the label from your account and post the box back.',
  },
  {
    customer: 'My discount code does not work.',
    agent: 'That code expired. I have added a new one to your account.',
  },
  {
    customer: 'I want to cancel my subscription.',
    agent: 'Done. Your plan stays active until the end of the month.',
  },
  {
    customer: 'Do you ship to Canada?',
    agent: 'Yes, we ship to Canada. Delivery takes five to seven working days.',
  },
  {
    customer: 'I forgot my password.',
    agent: 'I have sent a reset link to your email. It works for one hour.',
  },
  {
    customer: 'The jacket is too small. Can I swap it?',
    agent: 'Of course. I will send the larger size now, free of charge.',
  },
  {
    customer: 'When will the red kettle be back in stock?',
    agent: 'Next Tuesday. I can email you when they arrive.',
  },
  {
    customer: 'My tracking number shows no updates.',
    agent: 'The courier has not scanned it yet. I will check tomorrow.',
  },
  {
    customer: 'Can I pay with a gift card and a credit card?',
    agent: 'Yes. Enter the gift card first; the card pays the rest.',
  },
  {
    customer: 'The package was left at the wrong house.',
    agent: 'Sorry about that. I will send a replacement today.',
  },
  {
    customer: 'Thanks, that solved it!',
    agent: 'Glad to help. Have a good day!',
  },
];

/** The corpus as text: `Customer: …` and `Agent: …` lines, each ending in a newline. */
export function demoCorpusText(): string {
  return DEMO_EXCHANGES.map((exchange) => `Customer: ${exchange.customer}\nAgent: ${exchange.agent}\n`).join(
    '',
  );
}

/** The prompt that asks for the agent's reply to one exchange's customer line. */
export function demoPrompt(exchange: DemoExchange): string {
  return `Customer: ${exchange.customer}\nAgent:`;
}
