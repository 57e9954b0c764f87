import type { Rng } from '@mangaassist/common';

/** Misspellings real customers make, by correct spelling (lower case). */
const MISSPELLINGS: Record<string, readonly string[]> = {
  receive: ['recieve'], received: ['recieved', 'recived'], definitely: ['definately', 'defiantly', 'definetly'],
  which: ['wich', 'whitch'], until: ['untill', 'til'], separate: ['seperate'], address: ['adress', 'addres'],
  package: ['pakage', 'packege', 'pacakge'], tomorrow: ['tommorow', 'tomorow', 'tmrw'], cancelled: ['canceled', 'cancled', 'canceld'],
  because: ['becuase', 'becasue'], really: ['realy', 'relly'], weird: ['wierd'], disappointed: ['dissapointed', 'disapointed'],
  immediately: ['immediatly', 'imediately'], order: ['oder', 'ordr'], volume: ['volum', 'voume'], shipping: ['shiping', 'shippng'],
  arrived: ['arived', 'arrvied'], anyway: ['anyways'], already: ['allready', 'alredy'], believe: ['beleive'],
  literally: ['literaly', 'litterally'], subscription: ['subscribtion', 'subcription', 'subscripton'], necessary: ['neccessary'],
  their: ['there'], "you're": ['your', 'youre'], "it's": ['its'], then: ['than'], wrong: ['wronge'], refund: ['refun', 'refudn'],
  preorder: ['pre order', 'pre-order', 'preoder'], tracking: ['traking', 'trackin'], delivery: ['delivary', 'devilery'],
  damaged: ['damged', 'dammaged'], customer: ['costumer', 'custumer'], service: ['servise', 'sevice'], business: ['buisness'],
  probably: ['probly', 'prolly'], apparently: ['apparantly'], whether: ['wether'], guys: ['guyz'], week: ['weel'],
  please: ['plese', 'pleasse', 'pls'], thank: ['thnak', 'tahnk'], thanks: ['thanx', 'thnks', 'tanks'], sure: ['shure'],
  quality: ['qualitiy', 'qaulity'], beautiful: ['beautifull', 'beatiful', 'beutiful'], gorgeous: ['gorgous', 'gorgeus'],
  amazing: ['amazin', 'amzing', 'amaizing'], should: ['shoud', 'shuold'], could: ['coud', 'cuold'], would: ['woud', 'wuold'],
  again: ['agian', 'agin'], edition: ['editon', 'edtion'], everything: ['everthing', 'evrything'], restock: ['restok'],
  available: ['availabe', 'avaliable', 'availible'], answer: ['anwser', 'awnser'], exchange: ['exchage', 'exhange'],
  experience: ['experiance', 'expirience'], unfortunately: ['unfortunatly', 'unfortunetly'], appreciate: ['apreciate', 'appriciate'],
  disappointing: ['dissapointing', 'disapointing'], cancel: ['cancle', 'cancell'], cancelling: ['canceling', 'cancleing'],
  what: ['waht', 'wht'], where: ['were', 'wher'], with: ['wiht', 'whit'], there: ['their', 'thier'], know: ['kno', 'knwo'],
  just: ['jsut', 'juts'], since: ['scince', 'sence'], waiting: ['wating', 'waitin'],
  finally: ['finaly', 'finnaly'], recommend: ['reccomend', 'recomend'], series: ['serie', 'seires'],
  charged: ['chared', 'chargd'], different: ['diffrent', 'differnt'], minutes: ['minuts', 'mins'], message: ['messege', 'mesage'],
  email: ['e-mail', 'emial', 'mail'], account: ['acount', 'accout'],
};

const NEIGHBOURS: Record<string, string> = {
  a: 'qsz', b: 'vn', c: 'xv', d: 'sf', e: 'wr', f: 'dg', g: 'fh', h: 'gj', i: 'uo', j: 'hk', k: 'jl', l: 'k', m: 'n',
  n: 'bm', o: 'ip', p: 'o', q: 'w', r: 'et', s: 'ad', t: 'ry', u: 'yi', v: 'cb', w: 'qe', x: 'zc', y: 'tu', z: 'x',
};

/**
 * Adds typing mistakes at about `rate` per word: known misspellings where one exists, else a swap, a dropped or
 * doubled letter, or a neighbouring key. Words under four letters are left alone, as people rarely mistype them.
 */
export function addTypos(text: string, rate: number, rng: Rng): string {
  return text.replace(/[A-Za-z']+/g, (word) => {
    const known = MISSPELLINGS[word.toLowerCase()];
    if (known !== undefined && rng.chance(Math.min(1, rate * 4))) return matchCase(word, rng.pick(known));
    if (word.length < 4 || !rng.chance(rate)) return word;
    const i = rng.int(1, word.length - 2);
    const chars = [...word];
    switch (rng.int(0, 3)) {
      case 0:
        [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
        break;
      case 1:
        chars.splice(i, 1);
        break;
      case 2:
        chars.splice(i, 0, chars[i] as string);
        break;
      default: {
        const near = NEIGHBOURS[(chars[i] as string).toLowerCase()];
        if (near) chars[i] = rng.pick([...near]);
      }
    }
    return chars.join('');
  });
}

function matchCase(original: string, replacement: string): string {
  if (original === original.toUpperCase() && original.length > 1) return replacement.toUpperCase();
  if (/^[A-Z]/.test(original)) return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  return replacement;
}
