// The help center's answers as data. Figures are never typed here: a {name} placeholder is filled
// from the current catalog and the settings (help-facts.ts), so the answer changes when the rules do.

export interface HelpArticleSource {
  /** Stable slug used in links (/help#where-to-repair). */
  id: string;
  /** The question as a holder asks it. */
  question: string;
  topic: 'repairs' | 'coverage' | 'gap' | 'review' | 'changes' | 'cost' | 'contact';
  paragraphs: readonly string[];
  /** Extra words people search with that the text may not contain. */
  keywords: readonly string[];
  /** Lists the catalog's state rule sentences after the paragraphs. */
  includesStateRules?: true;
  /** Where the holder acts on the answer, when there is such a page. */
  action?: { label: string; href: string };
}

export const HELP_ARTICLES: readonly HelpArticleSource[] = [
  {
    id: 'where-to-repair',
    question: 'Where can I get my vehicle repaired?',
    topic: 'repairs',
    paragraphs: [
      'Any licensed repair facility in the United States or Canada can repair your vehicle: a dealer, an independent shop or a national chain. Ask the shop to call us before it starts work; the repair must be authorized first, and work started before authorization cannot be paid.',
      'The shop sends us an estimate with the parts and the labor hours. We pay labor at up to {laborRateCap} an hour; you pay the deductible you chose ({deductibles}) directly to the shop.',
      'If your vehicle breaks down on the road, call roadside assistance at {roadsidePhone}: towing, jump starts, flat tires, lockouts and fuel delivery are paid up to {roadsideLimit} per event.',
    ],
    keywords: ['shop', 'dealer', 'mechanic', 'garage', 'authorization', 'tow', 'breakdown', 'roadside'],
  },
  {
    id: 'what-is-covered',
    question: 'What is covered?',
    topic: 'coverage',
    paragraphs: [
      'It depends on your plan ({planNames}). Sign in to My coverage to see the component groups your plan covers, its limits and the rules of the state where you bought it.',
      'Coverage starts after a waiting period of {waitingDays} days or {waitingMiles} miles when the contract was bought after the vehicle sale and outside the factory warranty.',
      'Rental car reimbursement ({rentalPlanNames}) pays up to {rentalDailyLimit} a day and {rentalPerVisitLimit} per repair visit. Trip interruption pays lodging and meals up to {tripDailyLimit} a day for at most {tripMaxDays} days when you break down more than {tripMinMilesFromHome} miles from home.',
    ],
    keywords: [
      'coverage',
      'components',
      'engine',
      'transmission',
      'rental',
      'trip',
      'waiting period',
      'plan',
    ],
    includesStateRules: true,
    action: { label: 'See my coverage', href: '/my' },
  },
  {
    id: 'start-gap-claim',
    question: 'How do I start a GAP claim?',
    topic: 'gap',
    paragraphs: [
      'If your vehicle was totaled or stolen, start a claim in the GAP Claims Center with your last name, ZIP code and VIN. You will see the list of documents we need and can upload them there.',
      "Send the documents within {gapDocumentsDueDays} days of your primary insurer's settlement. The GAP benefit pays up to {gapMaxBenefit} per loss and adds back up to {gapDeductibleCover} of your insurance deductible.",
    ],
    keywords: ['gap', 'total loss', 'totaled', 'stolen', 'theft', 'loan', 'payoff', 'insurance', 'documents'],
    action: { label: 'Go to the GAP Claims Center', href: '/gap-claims' },
  },
  {
    id: 'how-long-review',
    question: 'How long does a review take?',
    topic: 'review',
    paragraphs: [
      'We review each document you upload within {reviewBusinessDays} business days of the business day we receive it. Business days are Monday to Friday except federal holidays; a document received after the end of the business day counts from the next one.',
      'Your claim page shows the date each review is due and why; you will also get an email when a document is accepted or when we need something else.',
    ],
    keywords: ['review', 'business days', 'due date', 'waiting', 'how long', 'status', 'holiday'],
  },
  {
    id: 'transfer-or-cancel',
    question: 'How do I transfer or cancel my contract?',
    topic: 'changes',
    paragraphs: [
      'To cancel, sign in to My coverage and choose Cancel: you see the refund before you confirm. Cancelling within the free look ({vscFreeLookDays} days for a service contract, {stateFreeLookDays} days in some states; {gapFreeLookDays} days for a GAP addendum) refunds the full price.',
      'When you sell your vehicle privately, the service contract can move to the buyer: report the sale within {transferWindowDays} days, attach a maintenance record, and pay the transfer fee. A sale to a dealer or a trade-in does not transfer the contract, and a GAP addendum never transfers.',
    ],
    keywords: ['cancel', 'refund', 'transfer', 'sell', 'sale', 'buyer', 'free look', 'trade-in'],
    includesStateRules: true,
    action: { label: 'Sign in to My coverage', href: '/my/sign-in' },
  },
  {
    id: 'what-does-it-cost',
    question: 'What does it cost?',
    topic: 'cost',
    paragraphs: [
      'On a covered repair you pay only the deductible you chose when you bought the contract ({deductibles}).',
      'Cancelling after the free look costs a fee of {vscCancellationFee} for a service contract and {gapCancellationFee} for a GAP addendum; the rest of the unused price is refunded. Transferring the contract to a buyer costs {transferFee}.',
    ],
    keywords: ['price', 'fee', 'deductible', 'cost', 'charge', 'pay', 'money'],
    includesStateRules: true,
  },
  {
    id: 'contact-us',
    question: 'How do I reach you?',
    topic: 'contact',
    paragraphs: [
      'Call customer service at {supportPhone}, {supportHours}.',
      'For a breakdown on the road, call roadside assistance at {roadsidePhone}.',
    ],
    keywords: ['phone', 'call', 'hours', 'contact', 'help', 'number', 'support'],
  },
];
