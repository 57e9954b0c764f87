/** Series titles customers mention (real and widely sold, so messages read like real ones). */
export const TITLES = [
  'One Piece', 'Naruto', 'Bleach', 'Berserk', 'Vinland Saga', 'Chainsaw Man', 'Jujutsu Kaisen', 'Spy x Family',
  'Frieren', 'Dandadan', 'Blue Lock', 'Kaiju No. 8', 'Oshi no Ko', 'Vagabond', 'Monster', '20th Century Boys',
  'Pluto', 'Akira', 'Nana', 'Fruits Basket', 'Sailor Moon', 'Cardcaptor Sakura', 'Haikyu!!', 'Slam Dunk',
  'Hunter x Hunter', 'Death Note', 'Fullmetal Alchemist', 'Attack on Titan', 'Tokyo Ghoul', 'Demon Slayer',
  'My Hero Academia', 'Mob Psycho 100', 'One-Punch Man', 'Yotsuba&!', 'Witch Hat Atelier', 'Delicious in Dungeon',
  'Uzumaki', 'Goodnight Punpun', 'Solo Leveling', 'Sakamoto Days', 'Kagurabachi', "Hell's Paradise", 'Fire Punch',
  "Chi's Sweet Home", 'Ranma 1/2', 'Inuyasha', 'Dragon Ball', "JoJo's Bizarre Adventure", 'Lone Wolf and Cub',
  'Blue Period', 'Kaguya-sama', "Komi Can't Communicate", 'Horimiya', 'Skip and Loafer', 'The Apothecary Diaries',
  'Golden Kamuy', 'Dorohedoro', 'Claymore', 'Trigun', 'Gintama', 'Black Clover', 'Soul Eater', 'Made in Abyss',
  'Tokyo Revengers', 'Bocchi the Rock', 'Ao Haru Ride', 'Yona of the Dawn', 'Ouran High School Host Club',
  'Mushoku Tensei', 'Re:Zero', 'Kingdom', 'Undead Unluck', 'Mashle', 'Wind Breaker', 'Ghost in the Shell',
  'Lovely Complex', 'Beastars', 'Dr. Stone', 'Promised Neverland', 'Toilet-bound Hanako-kun', 'Magi', 'Bakuman',
  'Assassination Classroom', 'Parasyte', 'Hirayasumi', 'Spirit Circle', 'Helck', 'Land of the Lustrous',
] as const;

/** Editions and formats, in the words customers use. */
export const EDITIONS = [
  'omnibus', '3-in-1 edition', 'deluxe edition', 'hardcover', 'collector’s edition', 'box set', 'paperback',
  'special edition', 'limited edition', 'complete box set', 'perfect edition', 'digital copy', 'variant cover',
  'first printing', 'signed copy', 'artbook', 'light novel', 'colored edition', 'pocket edition', '2-in-1 edition',
] as const;

/** Things the store sells besides manga volumes. */
export const PRODUCTS = [
  'figure', 'scale figure', 'nendoroid', 'plush', 'acrylic stand', 'keychain', 'poster', 'tote bag', 'artbook',
  'poster set', 'enamel pin', 'tapestry', 'mug', 'hoodie', 'sticker pack', 'bookmark set', 'calendar',
  'blind box', 'mystery box', 'card set', 'shikishi', 'gashapon',
] as const;

/** Couriers named in shipping messages. */
export const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL', 'Royal Mail', 'Canada Post', 'the courier', 'the post office', 'Australia Post', 'the delivery guy'] as const;

/** Days and relative days. */
export const DAYS = [
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'tomorrow', 'this weekend',
  'Friday morning', 'next Tuesday', 'the weekend', 'Monday morning', 'Thursday night',
] as const;

/** Days of the week alone, with no deadline attached (for order dates and arrivals). */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'monday', 'tuesday', 'friday'] as const;

/** Dates written several ways. */
export const DATES = [
  'the 3rd', 'the 12th', 'the 15th', 'the 21st', 'the 28th', 'Dec 20', 'December 18th', 'March 2', '4/11', 'the 1st',
  'June 9', 'Oct 31', 'next Friday', 'the end of the month', 'Nov 25', 'the 9th', 'Aug 14', 'the 30th',
] as const;

/** Occasions that make a delivery date matter. */
export const EVENTS = [
  "my son's birthday", "my daughter's birthday", 'a birthday party', 'Christmas', 'our anniversary', 'a convention',
  'Anime Expo', 'a cosplay event', 'my flight', 'a trip', 'a book club meeting', "my friend's going-away party",
  'a class', 'Secret Santa', 'a signing event', "my nephew's graduation", 'Valentine’s Day', 'a hospital visit',
] as const;

/** People a purchase is for. */
export const PEOPLE = [
  'son', 'daughter', 'kid', 'nephew', 'niece', 'girlfriend', 'boyfriend', 'wife', 'husband', 'brother', 'sister',
  'best friend', 'roommate', 'partner', 'mom', 'dad', 'students', 'coworker', 'cousin', 'grandson',
] as const;

/** Other places to buy from. */
export const COMPETITORS = [
  'Amazon', 'Barnes & Noble', 'eBay', 'Books-A-Million', 'another store', 'a different site', 'my local bookstore',
  'the store in town', 'a competitor', 'Target', 'Walmart', 'Bookshop', 'somewhere else', 'the other manga site',
] as const;

/** Destination countries and cities. */
export const COUNTRIES = ['Canada', 'Australia', 'the UK', 'Germany', 'Mexico', 'Brazil', 'Japan', 'the Philippines', 'France', 'Ireland', 'Singapore', 'Sweden', 'Poland', 'Chile', 'South Africa', 'India'] as const;
export const CITIES = ['Chicago', 'Toronto', 'Seattle', 'Austin', 'Denver', 'Leeds', 'Melbourne', 'Phoenix', 'Boston', 'Vancouver', 'Atlanta', 'Manchester', 'Portland', 'Dublin'] as const;

/** The store as customers address it. */
export const STORE_NAMES = ['MangaAssist', 'MangaAssist team', 'support', 'customer service', 'team', 'guys', 'folks', 'there'] as const;

/** Characters of some titles, for anger at a character (which is enjoyment, not a complaint). */
export const CHARACTERS: Readonly<Record<string, readonly string[]>> = {
  'Chainsaw Man': ['Denji', 'Makima', 'Power'],
  'Jujutsu Kaisen': ['Gojo', 'Sukuna', 'Yuji'],
  Berserk: ['Griffith', 'Guts'],
  'Attack on Titan': ['Eren', 'Zeke', 'Levi'],
  'Death Note': ['Light', 'L', 'Near'],
  'Vinland Saga': ['Thorfinn', 'Askeladd', 'Canute'],
  Monster: ['Johan', 'Tenma'],
  'One Piece': ['Luffy', 'Blackbeard', 'Akainu'],
  Naruto: ['Sasuke', 'Danzo', 'Naruto'],
  'Hunter x Hunter': ['Hisoka', 'Gon', 'Chrollo'],
  'Demon Slayer': ['Muzan', 'Tanjiro'],
  'Tokyo Ghoul': ['Kaneki', 'Jason'],
  Frieren: ['Frieren', 'Aura', 'Himmel'],
  'Spy x Family': ['Anya', 'Loid', 'Yor'],
  'Promised Neverland': ['Isabella', 'Norman', 'Emma'],
  'Fullmetal Alchemist': ['Tucker', 'Father', 'Mustang'],
  'My Hero Academia': ['Bakugo', 'Endeavor', 'Shigaraki'],
  Nana: ['Takumi', 'Nana', 'Hachi'],
};

/** Who a customer is angry at when no character of the title is known. */
export const GENERIC_CHARACTERS = ['that villain', 'the villain', 'the main character', 'the MC', 'the rival', 'that one guy', 'the love interest', 'the final boss'] as const;
