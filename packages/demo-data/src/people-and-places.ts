// Names and places the generator draws from. Accents and apostrophes are fine: emails are made
// ASCII in SQL.

/** Splits a whitespace-separated list (keeps long word lists compact and readable). */
export function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

export const FIRST_NAMES: readonly string[] = words(`
  Olivia Liam Emma Noah Amelia Oliver Sophia Elijah Isabella Lucas Mia Mateo Charlotte Ethan
  Harper James Evelyn Benjamin Aria Henry Chloe Daniel Grace Samuel Nora David Zoe Joseph Hannah
  Gabriel Priya Arjun Ananya Rohan Mei Wei Yuki Haruto Seo-yeon Min-jun Fatima Omar Aisha Yusuf
  Leila Karim Amara Kwame Zanele Thabo Sofía Diego Valentina Santiago Camila Joaquín Lucía Andrés
  Inés Tomás Freya Lars Ingrid Mikkel Astrid Jonas Elena Luca Giulia Marco Chiara Pierre Camille
  Louis Léa Hugo Anna Felix Clara Maximilian Siobhan Cian Aoife Declan Niamh Ravi Deepa Tariq
  Noura Malik
`);

export const LAST_NAMES: readonly string[] = words(`
  Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson
  Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker Young
  Allen King Wright Scott Nguyen Hill Green Adams Baker Nelson Carter Mitchell Roberts Patel
  Sharma Gupta Iyer Chen Wang Li Zhang Tanaka Sato Kim Park Choi Haddad Khan Rahman Okafor Mensah
  Dlamini Nkosi Silva Santos Oliveira Fernández González Romero Álvarez Torres Ruiz Castro
  Johansson Andersen Nielsen Larsen Virtanen Rossi Russo Bianchi Ferrari Esposito Dubois Moreau
  Laurent Lefebvre Müller Schmidt Schneider Fischer Weber Becker O'Brien Murphy Kelly Byrne Walsh
  Novak Kowalski Horváth Yilmaz Demir
`);

/** A city customers live in or orders ship to; `weight` makes big cities more common. */
export interface City {
  readonly city: string;
  readonly country: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode: string;
  readonly callingCode: string;
  readonly weight: number;
}

export const CITIES: readonly City[] = [
  { city: 'New York', country: 'United States', countryCode: 'US', callingCode: '1', weight: 9 },
  { city: 'Los Angeles', country: 'United States', countryCode: 'US', callingCode: '1', weight: 7 },
  { city: 'Chicago', country: 'United States', countryCode: 'US', callingCode: '1', weight: 5 },
  { city: 'Houston', country: 'United States', countryCode: 'US', callingCode: '1', weight: 4 },
  { city: 'Seattle', country: 'United States', countryCode: 'US', callingCode: '1', weight: 4 },
  { city: 'Denver', country: 'United States', countryCode: 'US', callingCode: '1', weight: 3 },
  { city: 'Austin', country: 'United States', countryCode: 'US', callingCode: '1', weight: 3 },
  { city: 'Boston', country: 'United States', countryCode: 'US', callingCode: '1', weight: 3 },
  { city: 'Atlanta', country: 'United States', countryCode: 'US', callingCode: '1', weight: 3 },
  { city: 'Portland', country: 'United States', countryCode: 'US', callingCode: '1', weight: 2 },
  { city: 'Minneapolis', country: 'United States', countryCode: 'US', callingCode: '1', weight: 2 },
  { city: 'Miami', country: 'United States', countryCode: 'US', callingCode: '1', weight: 2 },
  { city: 'Toronto', country: 'Canada', countryCode: 'CA', callingCode: '1', weight: 5 },
  { city: 'Vancouver', country: 'Canada', countryCode: 'CA', callingCode: '1', weight: 3 },
  { city: 'Montreal', country: 'Canada', countryCode: 'CA', callingCode: '1', weight: 3 },
  { city: 'London', country: 'United Kingdom', countryCode: 'GB', callingCode: '44', weight: 7 },
  { city: 'Manchester', country: 'United Kingdom', countryCode: 'GB', callingCode: '44', weight: 3 },
  { city: 'Edinburgh', country: 'United Kingdom', countryCode: 'GB', callingCode: '44', weight: 2 },
  { city: 'Dublin', country: 'Ireland', countryCode: 'IE', callingCode: '353', weight: 2 },
  { city: 'Berlin', country: 'Germany', countryCode: 'DE', callingCode: '49', weight: 4 },
  { city: 'Munich', country: 'Germany', countryCode: 'DE', callingCode: '49', weight: 3 },
  { city: 'Hamburg', country: 'Germany', countryCode: 'DE', callingCode: '49', weight: 2 },
  { city: 'Paris', country: 'France', countryCode: 'FR', callingCode: '33', weight: 4 },
  { city: 'Lyon', country: 'France', countryCode: 'FR', callingCode: '33', weight: 2 },
  { city: 'Amsterdam', country: 'Netherlands', countryCode: 'NL', callingCode: '31', weight: 3 },
  { city: 'Copenhagen', country: 'Denmark', countryCode: 'DK', callingCode: '45', weight: 2 },
  { city: 'Stockholm', country: 'Sweden', countryCode: 'SE', callingCode: '46', weight: 2 },
  { city: 'Oslo', country: 'Norway', countryCode: 'NO', callingCode: '47', weight: 1 },
  { city: 'Madrid', country: 'Spain', countryCode: 'ES', callingCode: '34', weight: 3 },
  { city: 'Barcelona', country: 'Spain', countryCode: 'ES', callingCode: '34', weight: 3 },
  { city: 'Milan', country: 'Italy', countryCode: 'IT', callingCode: '39', weight: 2 },
  { city: 'Vienna', country: 'Austria', countryCode: 'AT', callingCode: '43', weight: 2 },
  { city: 'Zurich', country: 'Switzerland', countryCode: 'CH', callingCode: '41', weight: 1 },
  { city: 'Warsaw', country: 'Poland', countryCode: 'PL', callingCode: '48', weight: 2 },
  { city: 'Sydney', country: 'Australia', countryCode: 'AU', callingCode: '61', weight: 4 },
  { city: 'Melbourne', country: 'Australia', countryCode: 'AU', callingCode: '61', weight: 3 },
  { city: 'Auckland', country: 'New Zealand', countryCode: 'NZ', callingCode: '64', weight: 1 },
  { city: 'Singapore', country: 'Singapore', countryCode: 'SG', callingCode: '65', weight: 2 },
  { city: 'Tokyo', country: 'Japan', countryCode: 'JP', callingCode: '81', weight: 2 },
  { city: 'Seoul', country: 'South Korea', countryCode: 'KR', callingCode: '82', weight: 1 },
  { city: 'Bengaluru', country: 'India', countryCode: 'IN', callingCode: '91', weight: 2 },
  { city: 'Mexico City', country: 'Mexico', countryCode: 'MX', callingCode: '52', weight: 2 },
  { city: 'São Paulo', country: 'Brazil', countryCode: 'BR', callingCode: '55', weight: 2 },
  { city: 'Cape Town', country: 'South Africa', countryCode: 'ZA', callingCode: '27', weight: 1 },
];

export const EMAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'outlook.com',
  'outlook.com',
  'yahoo.com',
  'icloud.com',
  'proton.me',
  'fastmail.com',
  'hey.com',
  'mail.com',
  'example.org',
];

/** What customers told us they are into; stored as a text[] on sales.customers. */
export const INTERESTS: readonly string[] = words(`
  camping hiking cycling climbing cooking baking coffee home-decor smart-home audio gaming running
  fashion sustainability gardening travel
`);
