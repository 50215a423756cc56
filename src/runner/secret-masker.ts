import { SECRET_MASK } from '../domain/index.js';

/**
 * Base64 text shorter than this turns up by chance (inside images, ids, other base64) too often:
 * masking it would damage unrelated text to hide less than 3 bytes of a secret.
 */
const MIN_BASE64_CHARS = 4;

const ALNUM = /^[A-Za-z0-9]$/;

/** How HTML serializers name these characters (Chromium's outerHTML, our reports, JUnit's &apos;). */
const HTML_NAMED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\u00a0': '&nbsp;' };
const HTML_SPECIAL = /[&<>"']/g;

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');
const withLower = (s: string): string[] => (s.toLowerCase() === s ? [s] : [s, s.toLowerCase()]);
const isLoneSurrogate = (cp: string): boolean => cp.length === 1 && cp >= '\uD800' && cp <= '\uDFFF';

/** Every way a URL may carry the character: percent-encoded UTF-8 bytes (any hex case), `+` for space, Latin-1 bytes. */
function urlForms(cp: string): string[] {
  // A lone surrogate has no UTF-8 form: encodeURIComponent throws on it, browsers send U+FFFD.
  if (isLoneSurrogate(cp)) return [];
  const forms = withLower([...new TextEncoder().encode(cp)].map((b) => `%${hex(b, 2)}`).join(''));
  const code = cp.codePointAt(0) ?? 0;
  if (cp === ' ') forms.push('+');
  // The WHATWG URL parser turns `\` into `/` in the path of http(s) URLs.
  if (cp === '\\') forms.push('/');
  // Forms posted by pages in a Latin-1 charset.
  if (code >= 0x80 && code <= 0xff) forms.push(...withLower(`%${hex(code, 2)}`));
  return forms;
}

/** Named and numeric character references (decimal, PHP's zero-padded decimal, hex in both cases). */
function htmlForms(cp: string): string[] {
  const code = cp.codePointAt(0) ?? 0;
  const forms = [`&#${code};`, ...withLower(`&#x${code.toString(16).toUpperCase()};`)];
  if (code < 100) forms.push(`&#${String(code).padStart(3, '0')};`);
  const named = HTML_NAMED[cp];
  if (named) forms.push(named);
  return forms;
}

/** JSON string escapes: JSON.stringify's own, `\/`, and `\uXXXX` of each UTF-16 unit (ASCII-only encoders). */
function jsonForms(cp: string): string[] {
  const forms: string[] = [];
  const own = JSON.stringify(cp).slice(1, -1);
  if (own !== cp) forms.push(own);
  if (cp === '/') forms.push('\\/');
  const units = [...Array(cp.length).keys()].map((i) => `\\u${hex(cp.charCodeAt(i), 4)}`).join('');
  forms.push(...withLower(units));
  return forms;
}

/**
 * The forms one character of a secret can take in text that left the browser: itself, URL-, HTML-
 * or JSON-encoded, and each of those encoded once more (JSON inside an HTML attribute `\&quot;`,
 * JSON of JSON `\\\"`, a URL inside a URL `%2522`). URL, HTML and JSON encode character by
 * character, so a pattern that lets each character take any of its forms matches every encoding
 * of the whole secret and every mix of them (a URL whose `&` is left alone but HTML-escaped),
 * whichever characters a given serializer chooses to encode (WHATWG path, query and fragment sets,
 * encodeURI, encodeURIComponent, form encoding). Letters and digits are left alone by all of them.
 */
function charForms(cp: string): string[] {
  if (ALNUM.test(cp)) return [cp];
  const once = new Set([...urlForms(cp), ...htmlForms(cp), ...jsonForms(cp)]);
  const all = new Set([cp, ...once]);
  for (const f of once) {
    // Every form above is ASCII, so encodeURIComponent cannot throw here.
    all.add(encodeURIComponent(f));
    all.add(f.replace(HTML_SPECIAL, (c) => HTML_NAMED[c] ?? c));
    all.add(JSON.stringify(f).slice(1, -1));
  }
  return [...all];
}

const escapeRegExp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A pattern as a sequence of slots, each matching one of its literal forms ('' = may be absent). */
type Slots = string[][];

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}

/** One pattern for a set of literal forms, sharing their common prefixes (`&(?:amp;|lt;|#...)`). */
function alternatives(forms: readonly string[]): string {
  const root: Trie = { end: false, next: new Map() };
  for (const form of forms) {
    let node = root;
    for (const c of form) {
      let child = node.next.get(c);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    node.end = true;
  }
  const render = (node: Trie): string => {
    const branches = [...node.next].map(([c, child]) => escapeRegExp(c) + render(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
    if (!node.end) return body;
    // Greedy: the longer form is tried first, the shorter one when the rest does not follow.
    return branches.length === 1 && body.length > 1 ? `(?:${body})?` : `${body}?`;
  };
  return render(root);
}

function textSlots(secret: string): Slots {
  return [...secret].map(charForms);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** base64 and base64url characters, also as they look percent-encoded or JSON-escaped (`\/`). */
const BASE64_CHAR: Readonly<Record<string, string[]>> = { '+': ['+', '-', '%2B', '%2b'], '/': ['/', '_', '%2F', '%2f', '\\/'] };
const base64CharSlots = (chars: string): Slots => [...chars].map((c) => BASE64_CHAR[c] ?? [c]);

/**
 * The secret inside longer base64 text (`user:secret` of an HTTP Basic header, `btoa(prefix +
 * secret)` in a page): its bytes may start at any offset modulo 3 of the encoded data, and only
 * the characters whose 6 bits all come from the secret's bytes are the same whatever surrounds
 * it. For offset o and n bytes those are characters ceil(8o/6) to floor(8(o+n)/6) - 1 of the
 * base64 of (o zero bytes + secret); the character after them, computed with zero bits, is what
 * the text holds when the data ends with the secret, so it is masked too when present.
 * Bytes are the UTF-8 ones (Basic auth, TextEncoder) and, when the secret fits Latin-1 but is
 * not ASCII, the Latin-1 ones (what `btoa(secret)` encodes).
 */
function base64Slots(secret: string): Slots[] {
  const encodings = [new TextEncoder().encode(secret)];
  // eslint-disable-next-line no-control-regex -- any character outside ASCII, NUL to DEL included
  if (/[^\x00-\x7f]/.test(secret) && [...secret].every((c) => (c.codePointAt(0) ?? 0) <= 0xff)) {
    encodings.push(Uint8Array.from([...secret], (c) => c.codePointAt(0) ?? 0));
  }
  const patterns: Slots[] = [];
  for (const bytes of encodings) {
    for (let offset = 0; offset < 3; offset++) {
      const padded = new Uint8Array(offset + bytes.length);
      padded.set(bytes, offset);
      const text = base64(padded).replace(/=+$/, '');
      const from = Math.ceil((8 * offset) / 6);
      const to = Math.floor((8 * (offset + bytes.length)) / 6);
      const core = text.slice(from, to);
      if (core.length < MIN_BASE64_CHARS) continue;
      const tail = text.slice(to, to + 1);
      patterns.push([...base64CharSlots(core), ...base64CharSlots(tail).map((forms) => [...forms, ''])]);
    }
  }
  return patterns;
}

/**
 * One RegExp source for every pattern, dispatched on the first character: `a(?:...)|%(?:...)`.
 * A plain alternation of a hundred patterns that start with groups makes V8 try each of them at
 * every position of the text (2 MB with 20 secrets: ~37 ms); dispatched, ~the cost of one scan.
 * Patterns keep their order within a first character, so the longer secret still wins.
 */
function combine(patterns: readonly Slots[]): string {
  const byFirst = new Map<string, string[]>();
  for (const slots of patterns) {
    const [first = [], ...rest] = slots;
    const tail = rest.map(alternatives).join('');
    const starts = new Map<string, string[]>();
    for (const form of first) {
      const c = form.slice(0, 1);
      starts.set(c, [...(starts.get(c) ?? []), form.slice(1)]);
    }
    for (const [c, remainders] of starts) byFirst.set(c, [...(byFirst.get(c) ?? []), alternatives(remainders) + tail]);
  }
  return [...byFirst].map(([c, parts]) => escapeRegExp(c) + (parts.length === 1 ? (parts[0] ?? '') : `(?:${parts.join('|')})`)).join('|');
}

/**
 * A masker for these secrets: one RegExp matching every secret in every encoding (plain, URL,
 * HTML, JSON, base64 at each alignment), built once. Longer secrets come first, so a secret that
 * contains another is matched whole; overlapping matches are merged, so two secrets that overlap
 * in the text are both hidden entirely under one mask.
 */
export function compileSecretMasker(secrets: readonly string[]): (text: string) => string {
  const unique = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (text) => text;
  const re = new RegExp(combine(unique.flatMap((s) => [textSlots(s), ...base64Slots(s)])), 'g');
  return (text) => {
    re.lastIndex = 0;
    let out = '';
    let copied = 0;
    let start = -1;
    let end = -1;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const mEnd = m.index + m[0].length;
      if (m.index < end) {
        end = Math.max(end, mEnd);
      } else {
        if (start >= 0) {
          out += text.slice(copied, start) + SECRET_MASK;
          copied = end;
        }
        start = m.index;
        end = mEnd;
      }
      // Look again from the next character: another secret may start inside this match.
      re.lastIndex = m.index + 1;
    }
    if (start < 0) return text;
    return out + text.slice(copied, start) + SECRET_MASK + text.slice(end);
  };
}

/** Replaces every occurrence of each secret value in `text`, in any of its encodings, with the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string;
export function maskSecrets(text: string | null, secrets: readonly string[]): string | null;
export function maskSecrets(text: string | null, secrets: readonly string[]): string | null {
  if (text === null) return null;
  return compileSecretMasker(secrets)(text);
}
