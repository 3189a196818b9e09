/**
 * The invented demo posts that surround the reference post: short news items from a year of
 * Venezuela coverage, spread over 2018 so the archive, category, tag and pagination pages all have
 * something to show. Paragraph strings may use `[label](href)` links and `*emphasis*`; a paragraph
 * starting with "## " is a heading, "> " a quote, "- " a bullet item.
 */

export interface DemoAuthor {
  slug: string
  name: string
  bio: string[]
  url?: string
  email?: string
}

export interface DemoTaxonomy {
  slug: string
  title: string
  description?: string
}

export interface DemoPost {
  slug: string
  title: string
  publishedAt: string
  author: string
  categories: string[]
  tags: string[]
  excerpt: string
  paragraphs: string[]
}

export const demoAuthors: DemoAuthor[] = [
  {
    slug: 'daniel-rios',
    name: 'Daniel Ríos',
    bio: [
      'Daniel Ríos writes In Venezuela, a daily digest of Venezuelan politics and economics for English-speaking readers.',
      'He grew up in Valencia, studied political science in Caracas and now follows the news from wherever the next deadline finds him.',
    ],
    email: 'invenezuelablog@gmail.com',
  },
  {
    slug: 'mariana-lugo',
    name: 'Mariana Lugo',
    bio: [
      'Mariana Lugo covers the economy and the oil industry. Before joining the blog she spent six years as a financial reporter in Maracaibo.',
    ],
  },
  {
    slug: 'tom-hollis',
    name: 'Tom Hollis',
    bio: [
      'Tom Hollis writes about migration and the region from Bogotá. He contributes the weekly border notes.',
    ],
  },
]

export const demoCategories: DemoTaxonomy[] = [
  {slug: 'politics', title: 'Politics', description: 'Government, opposition, elections and the institutions between them.'},
  {slug: 'international', title: 'International', description: 'Venezuela and the world: diplomacy, sanctions, neighbours.'},
  {slug: 'economy', title: 'Economy', description: 'Prices, wages, currency and the daily cost of living.'},
  {slug: 'energy', title: 'Energy', description: 'Oil, PDVSA, gasoline and electricity.'},
  {slug: 'migration', title: 'Migration', description: 'The people leaving, and the countries receiving them.'},
  {slug: 'society', title: 'Society', description: 'Health, food, public services and everyday life.'},
]

export const demoTags: DemoTaxonomy[] = [
  {slug: 'maduro', title: 'Maduro'},
  {slug: 'united-states', title: 'United States'},
  {slug: 'military', title: 'Military'},
  {slug: 'elections', title: 'Elections'},
  {slug: 'opposition', title: 'Opposition'},
  {slug: 'hyperinflation', title: 'Hyperinflation'},
  {slug: 'oil', title: 'Oil'},
  {slug: 'pdvsa', title: 'PDVSA'},
  {slug: 'sanctions', title: 'Sanctions'},
  {slug: 'colombia', title: 'Colombia'},
  {slug: 'brazil', title: 'Brazil'},
  {slug: 'human-rights', title: 'Human Rights'},
]

export const demoPosts: DemoPost[] = [
  {
    slug: 'a-new-year-with-old-shortages',
    title: 'A New Year with Old Shortages',
    publishedAt: '2018-01-03T13:00:00.000Z',
    author: 'daniel-rios',
    categories: ['society'],
    tags: ['hyperinflation'],
    excerpt: 'The holidays ended with long lines for pernil and the year began with longer ones for cash.',
    paragraphs: [
      'The government promised every family a Christmas ham this year. Many families spent the last days of December standing in line for one that never arrived, and several neighbourhoods in Caracas protested with burning tyres on the night of the 30th.',
      'The new year brought no relief at the bank: withdrawal limits at ATMs remain so low that a single bus fare can take most of a day’s allowance. Shopkeepers in Petare told us they now accept transfers for purchases as small as a coffee.',
    ],
  },
  {
    slug: 'minimum-wage-raised-again',
    title: 'Minimum Wage Raised Again, First Time This Year',
    publishedAt: '2018-01-09T15:30:00.000Z',
    author: 'mariana-lugo',
    categories: ['economy'],
    tags: ['maduro', 'hyperinflation'],
    excerpt: 'The first wage decree of 2018 arrived a week into January. Economists expect it will not be the last.',
    paragraphs: [
      'President Maduro announced another increase of the minimum wage and of the food bonus on national television. It is the first decree of 2018 and follows six increases last year.',
      'Independent economists note that each raise is overtaken by prices within weeks. “Wages chase inflation, inflation wins,” one of them told us, asking not to be named.',
      '- The decree applies to public and private employers alike.',
      '- Pensions rise by the same percentage.',
      '- The food bonus is still paid on a card, not in cash.',
    ],
  },
  {
    slug: 'election-date-moved-forward',
    title: 'Presidential Election Date Moved Forward',
    publishedAt: '2018-01-24T18:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['elections', 'maduro', 'opposition'],
    excerpt: 'The National Constituent Assembly wants the presidential vote held before the end of April.',
    paragraphs: [
      'The National Constituent Assembly decreed that the presidential election, normally held in December, must take place before the end of April. The electoral council will set the exact date.',
      'Opposition leaders called the decision an ambush: the main parties have not yet recovered their legal registration, and several of their best-known figures are barred from running.',
    ],
  },
  {
    slug: 'lima-group-rejects-early-vote',
    title: 'Lima Group Rejects the Early Vote',
    publishedAt: '2018-02-14T12:00:00.000Z',
    author: 'tom-hollis',
    categories: ['international', 'politics'],
    tags: ['elections', 'colombia'],
    excerpt: 'Fourteen governments of the region say an election without guarantees will not be recognised.',
    paragraphs: [
      'Meeting in Lima, the foreign ministers of the Lima Group said they would not recognise the results of an election held without the participation of all political actors and without independent observers.',
      'Peru also withdrew its invitation to the Venezuelan government for the Summit of the Americas in April. Caracas answered that it would attend anyway, “through rain, thunder or lightning”.',
    ],
  },
  {
    slug: 'the-road-to-cucuta',
    title: 'The Road to Cúcuta',
    publishedAt: '2018-02-27T11:00:00.000Z',
    author: 'tom-hollis',
    categories: ['migration'],
    tags: ['colombia'],
    excerpt: 'Every morning thousands cross the Simón Bolívar bridge. A growing number do not come back.',
    paragraphs: [
      'At dawn the Simón Bolívar international bridge fills with people pulling suitcases, carrying children and pushing wheelbarrows loaded with whatever can be sold on the other side.',
      'Some come only to buy rice and medicine and return the same afternoon. Others are starting a journey that will take them to Bogotá, Quito or Lima on foot and by bus. Colombian officials now count the arrivals in the hundreds of thousands.',
      '> “I sold my fridge to pay for the ticket. I will send for my daughters when I have work,” a nurse from Barquisimeto told us at the bus terminal.',
    ],
  },
  {
    slug: 'oil-output-falls-to-decades-low',
    title: 'Oil Output Falls to a Decades Low',
    publishedAt: '2018-03-13T14:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['energy', 'economy'],
    tags: ['oil', 'pdvsa'],
    excerpt: 'OPEC’s monthly report shows Venezuelan production still sliding, with no floor in sight.',
    paragraphs: [
      'Figures from secondary sources in OPEC’s latest monthly report put Venezuela’s crude output at its lowest level in decades. Every month of the past year has been lower than the one before it.',
      'Workers describe idle rigs, missing spare parts and a steady exodus of engineers. Joint-venture partners say they cannot pay contractors because dollars are stuck in the state company’s accounts.',
      '## Why it matters',
      'Oil pays for almost all of the country’s imports. Less oil means less food and medicine on the shelves, whatever the exchange rate says.',
    ],
  },
  {
    slug: 'petro-launch-and-the-sanctions-answer',
    title: 'The Petro Launches, and Washington Answers',
    publishedAt: '2018-03-20T16:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['economy', 'international'],
    tags: ['sanctions', 'united-states'],
    excerpt: 'The government’s oil-backed cryptocurrency went on sale. The U.S. banned its citizens from buying it.',
    paragraphs: [
      'The government opened the sale of the Petro, a digital currency it says is backed by oil reserves in the Orinoco belt. Officials claimed billions in purchase orders within days.',
      'Washington responded with an executive order prohibiting U.S. persons from any transaction in digital currencies issued by the Venezuelan government. Analysts doubt the Petro will ever circulate in shops.',
    ],
  },
  {
    slug: 'officers-arrested-in-march',
    title: 'More Officers Arrested, Accused of Conspiracy',
    publishedAt: '2018-03-29T19:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['military', 'maduro'],
    excerpt: 'Military counterintelligence detained another group of officers this month, families say.',
    paragraphs: [
      'Relatives of several army and national guard officers say the men were detained by military counterintelligence and taken to its headquarters without being told the charges.',
      'The government has not confirmed the arrests. In public, the defence minister keeps repeating that the armed forces are united behind the president.',
    ],
  },
  {
    slug: 'summit-of-the-americas-without-venezuela',
    title: 'A Summit of the Americas without Venezuela',
    publishedAt: '2018-04-14T13:00:00.000Z',
    author: 'tom-hollis',
    categories: ['international'],
    tags: ['united-states', 'elections'],
    excerpt: 'In Lima, the region talked about Venezuela for two days. Venezuela was not in the room.',
    paragraphs: [
      'The Summit of the Americas closed in Lima with a joint statement on corruption and a separate declaration by sixteen countries calling on Caracas to reconsider the date of the election.',
      'The Venezuelan delegation never arrived. Its absence did not stop Venezuela from being the main topic of the corridors.',
    ],
  },
  {
    slug: 'blackouts-return-to-zulia',
    title: 'Blackouts Return to Zulia',
    publishedAt: '2018-04-25T17:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['society', 'energy'],
    tags: ['pdvsa'],
    excerpt: 'Maracaibo spends up to eight hours a day without power in the hottest season of the year.',
    paragraphs: [
      'Rationing schedules announced by the state power company promise four hours without electricity a day in Maracaibo. Residents say the real figure is often double.',
      'Without power there is no water pumping, no refrigeration and no card payments. Shop owners have started to close at noon.',
    ],
  },
  {
    slug: 'campaign-closes-with-few-crowds',
    title: 'The Campaign Closes with Few Crowds',
    publishedAt: '2018-05-17T20:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['elections', 'opposition', 'maduro'],
    excerpt: 'Three candidates, one favourite and a call to abstain: the presidential campaign ends quietly.',
    paragraphs: [
      'The three candidates held their closing rallies on Thursday. Avenida Bolívar was full for the incumbent; the challengers drew modest crowds in Barquisimeto and Valencia.',
      'The main opposition coalition repeated its call to stay at home on Sunday, arguing that the vote lacks the minimum guarantees. Whether abstention is a strategy or a surrender is the question every opposition voter is asking.',
    ],
  },
  {
    slug: 'maduro-re-elected-amid-record-abstention',
    title: 'Maduro Re-elected amid Record Abstention',
    publishedAt: '2018-05-21T09:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['elections', 'maduro', 'opposition'],
    excerpt: 'The electoral council declared the incumbent the winner. Turnout was the lowest of any presidential vote in decades.',
    paragraphs: [
      'The National Electoral Council declared Nicolás Maduro re-elected for a six-year term. By its own figures, fewer than half of registered voters took part.',
      'His main challenger refused to recognise the result and denounced the “red points” set up next to polling stations, where voters scanned their government ID cards.',
      'The Lima Group, the United States and the European Union said they do not consider the vote legitimate.',
    ],
  },
  {
    slug: 'new-sanctions-after-the-vote',
    title: 'New Sanctions after the Vote',
    publishedAt: '2018-05-22T15:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['international', 'economy'],
    tags: ['sanctions', 'united-states'],
    excerpt: 'A new U.S. order restricts the sale of Venezuelan public debt and assets.',
    paragraphs: [
      'A day after the election, the White House signed an executive order barring U.S. persons from buying Venezuelan government debt or any receivables owed to it, including those of the state oil company.',
      'The government expelled the U.S. chargé d’affaires in response. The measure closes one of the last routes Caracas had to raise money abroad.',
    ],
  },
  {
    slug: 'political-prisoners-released',
    title: 'Dozens of Political Prisoners Released',
    publishedAt: '2018-06-02T12:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['human-rights', 'opposition'],
    excerpt: 'The government called it a gesture of reconciliation. Human rights groups say hundreds remain behind bars.',
    paragraphs: [
      'Several dozen people jailed for political reasons walked out of prison this weekend, some after more than two years in detention without trial.',
      'Human rights lawyers welcomed the releases but pointed out that most of those freed remain under court restrictions, and that new arrests continue. Their count of political prisoners is still in the hundreds.',
    ],
  },
  {
    slug: 'oas-votes-on-venezuela',
    title: 'The OAS Votes on Venezuela',
    publishedAt: '2018-06-06T21:00:00.000Z',
    author: 'tom-hollis',
    categories: ['international'],
    tags: ['elections', 'united-states'],
    excerpt: 'A majority of the Organization of American States declared the May election illegitimate.',
    paragraphs: [
      'The General Assembly of the Organization of American States approved a resolution declaring that the May election lacks legitimacy and opening the door to a process of suspension.',
      'The resolution passed with the minimum needed. Several Caribbean states abstained, a reminder of how much influence oil diplomacy still buys.',
    ],
  },
  {
    slug: 'hospitals-run-out-of-dialysis',
    title: 'Hospitals Run Out of Dialysis Supplies',
    publishedAt: '2018-06-19T14:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['society'],
    tags: ['human-rights'],
    excerpt: 'Patients’ associations say dialysis units across the country are working at a fraction of capacity.',
    paragraphs: [
      'Associations of kidney patients report that many public dialysis units have closed for lack of filters and other supplies, and that patients are being sent home after shortened sessions.',
      'Doctors we spoke with asked us not to publish their names. One of them described choosing every morning which patients would be treated that day.',
    ],
  },
  {
    slug: 'inflation-forecast-one-million',
    title: 'The IMF’s One Million Percent',
    publishedAt: '2018-07-24T16:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['economy'],
    tags: ['hyperinflation'],
    excerpt: 'The IMF now expects Venezuela’s inflation to reach one million percent by the end of the year.',
    paragraphs: [
      'The International Monetary Fund’s regional outlook compares Venezuela’s situation to Germany in 1923 and Zimbabwe in the late 2000s, and projects inflation of one million percent by December.',
      'In the markets of Catia the number meant little. “Prices change between the morning and the afternoon,” a vendor said. “I don’t need the IMF to tell me that.”',
    ],
  },
  {
    slug: 'five-zeros-gone',
    title: 'Five Zeros Gone: The Bolívar Soberano Arrives',
    publishedAt: '2018-07-26T13:30:00.000Z',
    author: 'mariana-lugo',
    categories: ['economy'],
    tags: ['hyperinflation', 'maduro'],
    excerpt: 'The government will remove five zeros from the currency in August, together with a package of measures.',
    paragraphs: [
      'The redenomination that was meant to remove three zeros will now remove five. The new bolívar soberano is due to enter circulation on 20 August.',
      'The president promised a broader economic plan to accompany it. Businesses are waiting to see what it contains before they set new prices.',
    ],
  },
  {
    slug: 'explosions-at-military-parade',
    title: 'Explosions Interrupt a Military Parade in Caracas',
    publishedAt: '2018-08-05T02:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics'],
    tags: ['military', 'maduro'],
    excerpt: 'The government says drones loaded with explosives targeted the president during a speech.',
    paragraphs: [
      'Live television cut away from President Maduro mid-speech on Avenida Bolívar on Saturday as soldiers in formation broke ranks and ran. The government says two drones carrying explosives were flown towards the stage.',
      'Officials blamed opponents at home and abroad within hours. Several people have already been arrested, and the government promised “maximum punishment”.',
    ],
  },
  {
    slug: 'ecuador-and-peru-tighten-entry',
    title: 'Ecuador and Peru Tighten Entry Rules',
    publishedAt: '2018-08-17T18:00:00.000Z',
    author: 'tom-hollis',
    categories: ['migration', 'international'],
    tags: ['colombia'],
    excerpt: 'From this weekend Venezuelans need a passport, not just an ID card, to enter Ecuador and Peru.',
    paragraphs: [
      'Ecuador and Peru announced that Venezuelans arriving by land will have to show a passport. Until now a national ID card was enough.',
      'Getting a passport in Venezuela can take months and cost more than a year of minimum wages on the black market. At the Rumichaca crossing, hundreds hurried to enter before the deadline.',
    ],
  },
  {
    slug: 'violence-in-pacaraima',
    title: 'Violence in Pacaraima',
    publishedAt: '2018-08-19T15:00:00.000Z',
    author: 'tom-hollis',
    categories: ['migration'],
    tags: ['brazil', 'human-rights'],
    excerpt: 'Residents of a Brazilian border town attacked migrant camps after a local shopkeeper was robbed.',
    paragraphs: [
      'In the Brazilian border town of Pacaraima, residents burned the belongings of Venezuelan migrants and drove hundreds of them back across the border after a shopkeeper was assaulted.',
      'Brazil sent federal troops to restore order. The state government of Roraima has asked for the border to be closed; the federal government says it will stay open.',
    ],
  },
  {
    slug: 'the-first-day-of-the-new-bolivar',
    title: 'The First Day of the New Bolívar',
    publishedAt: '2018-08-21T12:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['economy'],
    tags: ['hyperinflation'],
    excerpt: 'A bank holiday, closed shops and a minimum wage multiplied by thirty-four: the new currency’s debut.',
    paragraphs: [
      'Monday was declared a holiday so that banks could convert their systems. Many shops stayed closed on Tuesday as well, unsure of what to charge.',
      'The economic package includes a minimum wage many times higher than the old one and a promise to pay part of it for small businesses for three months. Business owners say they do not know how they will pay it after that.',
    ],
  },
  {
    slug: 'un-calls-it-a-crisis-moment',
    title: 'UN: A Crisis Moment for the Region',
    publishedAt: '2018-08-28T14:00:00.000Z',
    author: 'tom-hollis',
    categories: ['migration', 'international'],
    tags: ['colombia', 'brazil'],
    excerpt: 'The UN refugee and migration agencies compare the exodus to the largest displacements in the world.',
    paragraphs: [
      'The UN refugee agency and the International Organization for Migration said the number of Venezuelans who have left the country since 2014 now runs into the millions, and called it a “crisis moment” for the region.',
      'Colombia, Peru and Ecuador will meet in Quito next week to coordinate their response. Colombia alone hosts close to a million Venezuelans.',
    ],
  },
  {
    slug: 'gasoline-price-reform-postponed',
    title: 'Gasoline Price Reform Postponed Again',
    publishedAt: '2018-09-04T17:00:00.000Z',
    author: 'mariana-lugo',
    categories: ['energy', 'economy'],
    tags: ['oil', 'pdvsa'],
    excerpt: 'Venezuela still has the cheapest gasoline in the world. The plan to change that keeps slipping.',
    paragraphs: [
      'The government’s promise to bring gasoline prices up to international levels, for drivers without the *carnet de la patria*, has been postponed again while a census of vehicles continues.',
      'A full tank still costs less than a single egg. Smuggling to Colombia remains one of the most lucrative businesses on the border.',
    ],
  },
  {
    slug: 'fall-of-the-caracas-metro',
    title: 'The Slow Fall of the Caracas Metro',
    publishedAt: '2018-10-16T13:00:00.000Z',
    author: 'daniel-rios',
    categories: ['society'],
    tags: ['maduro'],
    excerpt: 'Free tickets, broken escalators and trains that run when they can: the metro in 2018.',
    paragraphs: [
      'The Caracas metro stopped charging for tickets this year, not by policy but because there were no tickets left to print. Escalators are stopped in most stations and air conditioning is a memory.',
      'For millions of caraqueños it is still the only way to get to work. They plan their day around it the way farmers plan around the rain.',
    ],
  },
  {
    slug: 'year-in-review-2018',
    title: '2018 in Review',
    publishedAt: '2018-12-28T15:00:00.000Z',
    author: 'daniel-rios',
    categories: ['politics', 'economy'],
    tags: ['maduro', 'elections', 'hyperinflation', 'opposition'],
    excerpt: 'An early election, a new currency and an exodus: the year that was, in five lines.',
    paragraphs: [
      'It was a year in which the question was rarely whether things would get worse, only how fast. A few of the stories that defined it on this blog:',
      '- [An early election](/posts/maduro-re-elected-amid-record-abstention) that most of the world refused to recognise.',
      '- [A new currency](/posts/the-first-day-of-the-new-bolivar) with five fewer zeros, and prices that caught up within weeks.',
      '- [The exodus](/posts/un-calls-it-a-crisis-moment) that turned Venezuela’s crisis into the region’s.',
      '- Secret talks between Washington and officers who wanted a coup, as The New York Times reported in September.',
      'Thank you for reading. See you in January.',
    ],
  },
]
