// The lookup tables the linkage generator draws from, in the spirit of FEBRL's frequency files: common
// values first (drawn with Zipf weights, so a frequent surname agrees by chance as often as in life),
// and a long tail built from syllables so that 100k people are not all called one of a few hundred names.

export const femaleGivenNames = `
jessica sarah emily chloe olivia emma hannah georgia isabella sophie grace ella lauren charlotte
rebecca amy mia zoe jade kate madison samantha ashley lily holly courtney brooke caitlin jasmine
natalie alyssa alexandra taylor abbey victoria bella kayla ruby paige stephanie jennifer amber
tahlia laura elizabeth ellie melissa maddison lucy danielle emma-lee tayla michelle nicole claire
kimberley rachel kirsty amelia eliza annabelle mackenzie isabelle jacinta tegan bianca erin
monique kelly alice ebony eve imogen phoebe sienna maya tara shannon jordan katie megan lara
jodie leah anna mikayla teagan jaimee renee gemma kristen molly joanne catherine kathryn
margaret helen susan patricia linda barbara mary dorothy joan betty shirley judith carol janet
`
  .split(/\s+/)
  .filter(Boolean);

export const maleGivenNames = `
joshua lachlan thomas jack james daniel benjamin matthew samuel nicholas ryan liam william
jacob michael luke dylan alexander jordan mitchell riley harrison isaac callum ethan joel
nathan cameron jayden connor blake kyle bailey tyler jake brodie hayden christopher aaron
jackson patrick zachary adam lucas oliver max noah jesse angus david andrew henry sebastian
mason hamish cooper jarrod declan toby beau zac kane caleb jai brayden fraser corey darcy
robert john peter paul mark stephen richard anthony kevin brian george edward ronald kenneth
gregory raymond frank gary dennis jerry walter douglas harold arthur keith roger lawrence
`
  .split(/\s+/)
  .filter(Boolean);

export const commonSurnames = `
smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen thomas
walker harris lee ryan robinson kelly king davis wright evans roberts green hall wood jackson
clarke patel khan lewis james phillips mitchell turner campbell edwards scott moore young
morris hill cook baker watson ward murphy bell miller cooper clark harrison hughes allen
stewart graham kennedy robertson mcdonald reid murray ross hamilton johnston palmer gray
russell morgan collins parker stevens marshall simpson davies webb price dawson mason
kaur singh tran le pham chen wang zhang li liu huang zhao wu zhou xu sun ma zhu hu lin
rogers fisher hunt ellis knight ferguson henderson shaw bennett payne carter sullivan
brennan oconnor obrien walsh byrne duncan fraser mackenzie burke quinn lynch doherty
foster morrison wallace barnes porter lawrence black webster bailey chapman grant holmes
richardson fletcher reynolds butler stone jenkins perry lane hart dean hayes day spencer
gibson elliott gardner saunders armstrong burns dixon hudson pearce matthews hunter owen
berry crawford mills warren lloyd nicholson weston kerr mclean nolan ahmed ali hussain
rossi russo ferrari romano colombo bianchi ricci marino greco bruno gallo conti costa
papadopoulos nikolaidis georgiou schmidt muller schneider fischer weber meyer wagner becker
`
  .split(/\s+/)
  .filter(Boolean);

const surnameStarts =
  'ash brad brook burn cald cart chal chester clay cole crane dal dart den dray east elling fair farn'.split(
    ' ',
  );
const surnameMiddles = ['', '', 'er', 'en', 'ing', 'ford', 'ley', 'wood', 'ton', 'well'];
const surnameEnds = 'by ham ington more ridge stone wick worth field croft don hurst mond son dale'.split(
  ' ',
);
/** 18 × 10 × 15 = 2,700 plausible rarer surnames (cole-wood-ham → colewoodham). */
export const tailSurnames = surnameStarts.flatMap((s) =>
  surnameMiddles.flatMap((m) => surnameEnds.map((e) => `${s}${m}${e}`)),
);

export const streetNames = `
main high church station park victoria king queen george elizabeth william albert hill railway
bridge mill water forest river lake ocean beach bay harbour valley ridge mountain spring garden
rose oak elm pine cedar wattle acacia banksia gum jacaranda waratah boronia grevillea melaleuca
eucalyptus kurrajong cypress myrtle laurel willow maple ash birch poplar hawthorn holly ivy
macquarie bligh phillip hunter darling murray flinders sturt stuart mitchell cook banks
bass hume lawson wentworth blaxland oxley eyre forrest leichhardt kennedy burke wills
anderson bell campbell clarke davies edwards fraser gordon hamilton irving jackson lindsay
marsden nelson oliver palmer russell sinclair thomson walker wilson young osborne kirby
sunset sunrise highland lowland meadow orchard vineyard heath moor glen dale vale grove
`
  .split(/\s+/)
  .filter(Boolean);
export const streetTypes = [
  'street',
  'road',
  'avenue',
  'place',
  'crescent',
  'close',
  'drive',
  'court',
  'parade',
  'circuit',
  'lane',
  'way',
];
export const buildingNames = [
  'rosedale',
  'the pines',
  'kooringa',
  'villa maria',
  'bellevue',
  'glenrock',
  'st helens',
  'sunnyside',
  'wirraway',
  'emu flat',
  'red gum',
  'the oaks',
];

/** State, its postcode range (Australian, as FEBRL's data), and its share of the population. */
export const states = [
  { state: 'nsw', from: 2000, to: 2899, share: 0.32 },
  { state: 'vic', from: 3000, to: 3999, share: 0.26 },
  { state: 'qld', from: 4000, to: 4899, share: 0.2 },
  { state: 'wa', from: 6000, to: 6799, share: 0.1 },
  { state: 'sa', from: 5000, to: 5799, share: 0.07 },
  { state: 'tas', from: 7000, to: 7799, share: 0.02 },
  { state: 'act', from: 2600, to: 2620, share: 0.02 },
  { state: 'nt', from: 800, to: 899, share: 0.01 },
] as const;

const suburbStarts =
  'glen wood spring bay lake river mount north south east west port kings queens green oak rose ash cedar fern sand'.split(
    ' ',
  );
const suburbEnds =
  'dale field ford haven hill hurst lea mead more park ridge side stone vale view wood brook leigh ton worth'.split(
    ' ',
  );
/** 21 × 20 = 420 suburb names (glen-dale → glendale); each gets a state and a postcode in the generator. */
export const suburbNames = suburbStarts.flatMap((s) => suburbEnds.map((e) => `${s}${e}`));

/**
 * Keyboard neighbours on a QWERTY keyboard (FEBRL's typographic errors substitute or insert a key
 * next to the intended one far more often than any other).
 */
const rows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
export const keyboardNeighbours: Record<string, string> = (() => {
  const near: Record<string, string> = {};
  rows.forEach((row, r) =>
    [...row].forEach((ch, c) => {
      const around = [row[c - 1], row[c + 1], rows[r - 1]?.[c], rows[r - 1]?.[c + 1], rows[r + 1]?.[c]];
      const aroundRow = rows[r + 1]?.[c - 1];
      near[ch] = [...around, aroundRow].filter((x): x is string => x !== undefined).join('');
    }),
  );
  return near;
})();
