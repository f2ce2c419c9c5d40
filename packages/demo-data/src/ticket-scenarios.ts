// Support conversations. Each ticket follows one scenario, so its subject, the customer's first
// message, the agent's question, the customer's answer and the resolution belong together. A
// ticket also draws one variant number used for every list of its scenario: lists of equal
// length are aligned (the second reply goes with the second customer reply), lists of length one
// fit every variant. Generic updates and follow-ups add row-to-row variety.
//
// Placeholders (PostgreSQL format() positions): %1$s order number, %2$s product name,
// %3$s customer first name, %4$s agent first name, %5$s customer city, %6$s a number of days
// (2..14), %7$s order total.

/** Ticket categories, as stored in support.tickets.category. */
export const TICKET_CATEGORIES = [
  'shipping',
  'returns',
  'product_defect',
  'billing',
  'account',
  'general',
] as const;

/** One of {@link TICKET_CATEGORIES}. */
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** A kind of support conversation. Every list has at least one entry. */
export interface TicketScenario {
  readonly category: TicketCategory;
  /** Relative frequency. */
  readonly weight: number;
  /** Triage tag most tickets of this scenario carry. */
  readonly tag: string;
  readonly subjects: readonly string[];
  /** The customer's first message. */
  readonly openings: readonly string[];
  /** The agent's first answer (usually a question or a promise). */
  readonly replies: readonly string[];
  /** The customer's answer to that. */
  readonly customerReplies: readonly string[];
  /** The agent's last message on a resolved ticket. */
  readonly resolutions: readonly string[];
}

/** The lists of texts a scenario has. */
export type ScenarioTextKind = 'subjects' | 'openings' | 'replies' | 'customerReplies' | 'resolutions';

export const TICKET_SCENARIOS: readonly TicketScenario[] = [
  {
    category: 'shipping',
    weight: 8,
    tag: 'carrier-delay',
    subjects: [
      'Where is my order %1$s?',
      'Order %1$s stuck in transit for %6$s days',
      'Delivery delayed again',
      'Package has not arrived',
    ],
    openings: [
      'Hi, my order %1$s was supposed to arrive %6$s days ago but the tracking has not updated since it left the warehouse. Can you check what is going on?',
      'This is the second time the delivery of order %1$s has been postponed. The courier keeps saying "exception". What does that mean?',
      'Hello, I ordered the %2$s and it still has not shown up. I need it for a trip next week, is there anything you can do?',
    ],
    replies: [
      'Hi %3$s, thanks for reaching out. I have opened an investigation with the carrier for order %1$s and will update you within 48 hours. - %4$s',
      'Hi %3$s, sorry about the wait. The carrier confirms the parcel is at their depot near %5$s and should be out for delivery within two business days.',
    ],
    customerReplies: ['Thanks, please keep me posted.', 'Thanks, I will wait a couple more days then.'],
    resolutions: [
      'Hi %3$s, the carrier has confirmed the parcel is lost. I have shipped a replacement at no cost; the new tracking number is in your account.',
      'Good news %3$s: the carrier located the parcel and it was delivered this morning. I am closing this ticket; just reply if anything is missing.',
    ],
  },
  {
    category: 'shipping',
    weight: 4,
    tag: 'lost-package',
    subjects: ['Tracking shows delivered but nothing received', 'Parcel marked as delivered, not here'],
    openings: [
      'The tracking page says my parcel was delivered yesterday, but nothing arrived here in %5$s. I checked with neighbours and the building reception.',
      'Order %1$s shows as delivered but there is no package at my door or in the mailroom.',
    ],
    replies: [
      'Hi %3$s, sorry to hear that. Carriers sometimes mark parcels as delivered a day early. Could you check again tomorrow and confirm the delivery address on order %1$s?',
      'Hi %3$s, I have asked the carrier for the GPS location and photo of the delivery. I will get back to you as soon as I hear from them.',
    ],
    customerReplies: [
      'Still nothing today. The address on the order is right and my phone number is in my account.',
      'Thank you. For what it is worth, nobody here signed for anything.',
    ],
    resolutions: [
      'Hi %3$s, the carrier could not prove delivery, so I have refunded %7$s to your original payment method.',
      'Hi %3$s, a replacement has been shipped with signature required this time. Sorry for the hassle.',
    ],
  },
  {
    category: 'shipping',
    weight: 3,
    tag: 'damaged-in-transit',
    subjects: ['Parcel arrived damaged', 'Box crushed, %2$s scratched'],
    openings: [
      'The %2$s arrived in a soaked, torn box and it does not look usable.',
      'My package for order %1$s arrived with the box crushed and the %2$s inside is scratched.',
    ],
    replies: [
      'Thanks %3$s. Could you send a photo of the outer box and the damaged %2$s so I can file a claim with the carrier?',
      'Hi %3$s, I am sorry it arrived like that. Would you prefer a replacement or a refund?',
    ],
    customerReplies: [
      'Thanks for the quick reply. I have attached the photos.',
      'A replacement please, I still want it.',
    ],
    resolutions: [
      'Hi %3$s, thanks for the photos. I have refunded %7$s; no need to send anything back.',
      'Hi %3$s, a replacement %2$s is on its way and you can dispose of the damaged one.',
    ],
  },
  {
    category: 'shipping',
    weight: 2,
    tag: 'address-change',
    subjects: ['Wrong delivery address on order %1$s', 'Can I change my shipping address?'],
    openings: [
      'I just noticed I entered my old address on order %1$s. Can you still change it before it ships?',
      'I am moving next week. Could order %1$s be delivered to my new address instead?',
    ],
    replies: [
      'Hi %3$s, I can still catch it. Please reply with the full new address and a phone number for the courier.',
    ],
    customerReplies: ['Here it is, thank you! Same city, just a different street.'],
    resolutions: [
      'The address has been updated before dispatch. Your order will ship today. Have a great week! - %4$s',
      'Hi %3$s, the parcel had already left, but the carrier has agreed to redirect it to the new address.',
    ],
  },
  {
    category: 'returns',
    weight: 4,
    tag: 'refund',
    subjects: ['Return request for order %1$s', 'How do I return the %2$s?'],
    openings: [
      'Hi, I would like to return the %2$s from order %1$s. It is unused and still in the original packaging.',
      'The %2$s is not what I expected. How do I send it back?',
    ],
    replies: [
      'Hi %3$s, no problem. I have emailed you a prepaid return label. Once the warehouse scans it, the refund takes 3-5 business days.',
    ],
    customerReplies: ['Okay, I have sent the item back today.', 'Got the label, it will go out tomorrow.'],
    resolutions: [
      'Hi %3$s, the return arrived and your refund of %7$s has been issued. It can take a few days to show on your statement.',
    ],
  },
  {
    category: 'returns',
    weight: 2,
    tag: 'exchange',
    subjects: ['Exchange for a different size', 'Can I swap my %2$s for another colour?'],
    openings: [
      'The %2$s does not fit as expected. Can I exchange it for a different size instead of a refund?',
      'I love the %2$s but the colour does not work in my place. Can I exchange it?',
    ],
    replies: ['Hi %3$s, happy to arrange an exchange. Which size or colour would you like instead?'],
    customerReplies: ['One size up please, so a large.', 'The olive one, if it is in stock.'],
    resolutions: [
      'Hi %3$s, the exchange has shipped and should arrive within %6$s days. Just hand the original to the courier when they come.',
    ],
  },
  {
    category: 'returns',
    weight: 2,
    tag: 'refund',
    subjects: ['Refund not received yet for my return', 'Still waiting for my refund'],
    openings: ['I sent my return back %6$s days ago and the refund still has not shown up on my card.'],
    replies: [
      'Thanks for your patience %3$s. I can see the return arrived at our warehouse; I am chasing the refund now.',
    ],
    customerReplies: ['Thanks, please let me know when it is processed.'],
    resolutions: ['Hi %3$s, the refund of %7$s was issued today. Sorry it took longer than it should have.'],
  },
  {
    category: 'returns',
    weight: 1,
    tag: 'return-label',
    subjects: ['Return label not working'],
    openings: [
      'The return label you emailed me gives an error at the post office. Could you send a new one?',
    ],
    replies: ['Sorry about that %3$s. I have generated a new label; it is attached to this ticket.'],
    customerReplies: ['That did not work either, same error as before.'],
    resolutions: ['Hi %3$s, I have booked a courier pickup instead, so you do not need a label at all.'],
  },
  {
    category: 'returns',
    weight: 1,
    tag: 'wrong-item',
    subjects: ['Wrong item received in order %1$s'],
    openings: ['I received a completely different item in order %1$s. I ordered the %2$s.'],
    replies: ['Sorry about that %3$s. Could you send a photo of the item you received and the packing slip?'],
    customerReplies: ['Photo attached. The packing slip does say %2$s.'],
    resolutions: [
      'Hi %3$s, we have sent the correct %2$s and you can keep the wrong one. Sorry for the mix-up.',
    ],
  },
  {
    category: 'product_defect',
    weight: 5,
    tag: 'warranty',
    subjects: ['%2$s stopped working after %6$s days', 'Rattling noise from my %2$s'],
    openings: [
      'My %2$s stopped working after %6$s days. I followed the instructions exactly. Is this covered by the warranty?',
      'The %2$s makes a loud rattling noise when in use. It did not do that at first.',
    ],
    replies: [
      'Hi %3$s, I am sorry the %2$s let you down. Could you send a short video or photo of the problem so we can check the warranty?',
    ],
    customerReplies: ['Video attached. It happens every time I use it.'],
    resolutions: [
      'Hi %3$s, thanks for the video. A replacement %2$s is on its way and you do not need to return the faulty one.',
    ],
  },
  {
    category: 'product_defect',
    weight: 3,
    tag: 'replacement',
    subjects: ['Defective %2$s', 'Quality issue with %2$s'],
    openings: [
      'The %2$s arrived with a crack along the side. It looks like a manufacturing defect rather than shipping damage.',
      'The seams on my %2$s came apart after the first wash. Very disappointing for the price.',
    ],
    replies: [
      'Thanks %3$s. That does sound like a defect. Could you tell me the batch number printed on the label?',
    ],
    customerReplies: ['The batch number is L-%6$s, printed on the inside label.'],
    resolutions: [
      'Hi %3$s, we have refunded the full price of the %2$s and reported the batch to the manufacturer.',
    ],
  },
  {
    category: 'product_defect',
    weight: 2,
    tag: 'missing-parts',
    subjects: ['Missing parts in my %2$s'],
    openings: ['Two screws were missing from the box, so I cannot assemble the %2$s.'],
    replies: [
      'Hi %3$s, I have asked the warehouse to send the missing parts. You should receive them within %6$s days.',
    ],
    customerReplies: ['Thanks. Could you also include the manual? It was missing too.'],
    resolutions: [
      'Hi %3$s, the parts were delivered according to the tracking. I am closing the ticket, but reply if you need anything.',
    ],
  },
  {
    category: 'product_defect',
    weight: 1,
    tag: 'not-as-described',
    subjects: ['%2$s does not match the description'],
    openings: ['The listing for the %2$s names a different material than what I received.'],
    replies: [
      'Hi %3$s, thanks for pointing this out. I have asked our product team to check the listing. Would you like a refund in the meantime?',
    ],
    customerReplies: ['Yes, a refund please.'],
    resolutions: ['Hi %3$s, the refund of %7$s is on its way and the product page has been corrected.'],
  },
  {
    category: 'billing',
    weight: 3,
    tag: 'double-charge',
    subjects: ['Charged twice for order %1$s'],
    openings: ['I was charged twice for order %1$s, %7$s each time. Please refund the duplicate charge.'],
    replies: [
      'Hi %3$s, I can see two authorisations on order %1$s. One of them is a pre-authorisation that should drop off within 5 days. I will keep an eye on it.',
    ],
    customerReplies: ['It is still showing as a full charge on my statement.'],
    resolutions: [
      'Hi %3$s, the duplicate charge has been refunded. You should see it within 3-5 business days.',
    ],
  },
  {
    category: 'billing',
    weight: 2,
    tag: 'coupon',
    subjects: ['Coupon code not applied', 'Discount missing on order %1$s'],
    openings: ['I entered the code WELCOME10 at checkout but the discount was not applied to order %1$s.'],
    replies: [
      'Hi %3$s, thanks for flagging this. Could you confirm which code you used? Some codes cannot be combined with sale items.',
    ],
    customerReplies: ['It was WELCOME10, and nothing in the cart was on sale.'],
    resolutions: [
      'Hi %3$s, I have applied the discount manually and the difference has been refunded to your card.',
    ],
  },
  {
    category: 'billing',
    weight: 1,
    tag: 'invoice',
    subjects: ['Need an invoice for order %1$s'],
    openings: ['Could you send me a VAT invoice for order %1$s? I need it for my company expenses.'],
    replies: ['Hi %3$s, sure. Which company name and VAT number should appear on the invoice?'],
    customerReplies: ['Please put it on my company, the details are in my account profile.'],
    resolutions: ['Hi %3$s, the invoice for order %1$s is attached to this ticket.'],
  },
  {
    category: 'billing',
    weight: 1,
    tag: 'payment',
    subjects: ['Payment declined but money was taken', 'Question about my charge of %7$s'],
    openings: ['My bank shows a pending charge of %7$s but your site said the payment failed.'],
    replies: ['Thanks %3$s. I have forwarded this to our payments team to reconcile the charge.'],
    customerReplies: ['Thanks, my bank says it is still pending.'],
    resolutions: ['Hi %3$s, the pending charge has been released by your bank. No money was taken.'],
  },
  {
    category: 'account',
    weight: 3,
    tag: 'login',
    subjects: ['Cannot log in to my account', 'Password reset email never arrives'],
    openings: [
      'I cannot log in anymore. The site says my password is wrong even after resetting it.',
      'I have requested a password reset three times and no email arrives, also not in spam.',
    ],
    replies: [
      'Hi %3$s, I have reset your login session. Please try the reset link again in a private browser window.',
    ],
    customerReplies: ['That did not work, same error as before.'],
    resolutions: ['Hi %3$s, your account is unlocked and the new password works. Closing this ticket.'],
  },
  {
    category: 'account',
    weight: 1,
    tag: 'gdpr',
    subjects: ['Please delete my account and data'],
    openings: ['Please delete my account and all personal data you hold about me.'],
    replies: [
      'Hi %3$s, before I make changes I need to verify your identity. Could you confirm the postcode of your last order?',
    ],
    customerReplies: ['Sure, it is the same postcode as on my last order.'],
    resolutions: [
      'Hi %3$s, your account and personal data have been deleted. This ticket will be closed automatically.',
    ],
  },
  {
    category: 'account',
    weight: 1,
    tag: 'email-change',
    subjects: ['Update my email address'],
    openings: ['I changed jobs, please update my account email to my personal address.'],
    replies: [
      'Hi %3$s, before I make changes I need to verify your identity. Could you confirm the postcode of your last order?',
    ],
    customerReplies: ['Sure, it is the same postcode as on my last order.'],
    resolutions: ['Hi %3$s, your email address has been updated.'],
  },
  {
    category: 'account',
    weight: 1,
    tag: 'marketing',
    subjects: ['Unsubscribe me from marketing emails'],
    openings: ['I keep getting marketing emails even though I unsubscribed twice.'],
    replies: ['Hi %3$s, sorry about that. I have removed you manually; it can take up to 48 hours to stop.'],
    customerReplies: ['Got another one today.'],
    resolutions: ['Hi %3$s, you have been removed from all marketing lists. Sorry about the extra emails.'],
  },
  {
    category: 'general',
    weight: 3,
    tag: 'restock',
    subjects: ['Question about product availability', 'When is the %2$s back in stock?'],
    openings: ['Hi, will the %2$s be back in stock soon? It has been sold out for weeks.'],
    replies: [
      'Hi %3$s, thanks for the question. The %2$s should be back in stock next month. I can notify you when it is.',
    ],
    customerReplies: ['Yes please, put me on the list.'],
    resolutions: [
      'Hi %3$s, I have added you to the restock notification list. Let us know if there is anything else.',
    ],
  },
  {
    category: 'general',
    weight: 1,
    tag: 'pre-sales',
    subjects: ['Do you ship to %5$s?'],
    openings: ['Do you deliver to %5$s, and how long does it usually take?'],
    replies: ['Hi %3$s, yes, we ship to %5$s. Standard delivery usually takes %6$s business days.'],
    customerReplies: ['Great, and are there import fees?'],
    resolutions: [
      'Hi %3$s, prices include duties for your country, so there is nothing extra to pay on delivery.',
    ],
  },
  {
    category: 'general',
    weight: 1,
    tag: 'pre-sales',
    subjects: ['Is the %2$s compatible with other brands?'],
    openings: ['Is the %2$s compatible with accessories from other brands?'],
    replies: [
      'Hi %3$s, it uses standard fittings, so most accessories will work. Which one did you have in mind?',
    ],
    customerReplies: ['The ones I already have at home, from an older set.'],
    resolutions: ['Hi %3$s, those will fit. Enjoy!'],
  },
  {
    category: 'general',
    weight: 1,
    tag: 'b2b',
    subjects: ['Bulk order for our office'],
    openings: ['We would like to order 40 units of the %2$s for our office. Do you offer volume pricing?'],
    replies: ['Hi %3$s, we do. By when would you need them, and where should they be delivered?'],
    customerReplies: ['Within a month, delivered to our office in %5$s.'],
    resolutions: ['Hi %3$s, our business team has sent you a quote for the volume order.'],
  },
  {
    category: 'general',
    weight: 1,
    tag: 'feedback',
    subjects: ['Feedback about your website', 'Checkout keeps timing out'],
    openings: ['Your checkout page kept timing out on my phone. Just letting you know.'],
    replies: ['Hi %3$s, thanks for the feedback. Which phone and browser were you using?'],
    customerReplies: ['An older Android phone with Chrome.'],
    resolutions: [
      'Thanks again for the feedback, %3$s. Our web team has fixed the issue. Closing this ticket for now.',
    ],
  },
];

/** The agent's later messages while a ticket is still being worked on. */
export const AGENT_UPDATES: readonly string[] = [
  'Thanks %3$s, I have passed this on and will get back to you by tomorrow.',
  'Thanks for the details, %3$s. I am checking with the team and will update you shortly.',
  'Hi %3$s, a quick update: we are still waiting to hear back. I have not forgotten about you.',
];

/** The customer's later messages while waiting. */
export const CUSTOMER_FOLLOW_UPS: readonly string[] = [
  'Any update on this?',
  'It has been %6$s days and I still have not heard anything.',
  'Could you escalate this please? I need it sorted this week.',
  'Just checking in again.',
  'Is there anything else you need from me?',
];

/** The customer's last message after a resolution, on some tickets. */
export const CUSTOMER_THANKS: readonly string[] = [
  'Thank you, that solves it!',
  'Great, thanks %4$s.',
  'All good now, appreciate the help.',
  'Perfect, thank you.',
  'Thanks for sorting this out so quickly.',
];
