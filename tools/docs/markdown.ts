/**
 * What `npm run docs` needs to know about Markdown: the headings of a page (outside code fences),
 * the anchors GitHub gives them, a table of contents, the generated regions between
 * `<!-- name … -->` and `<!-- /name -->`, and the relative links of a page.
 */

export interface Heading {
  level: number;
  text: string;
  /** The anchor GitHub gives the heading, unique within its page. */
  slug: string;
}

/** The lines of a page that are prose, with the fenced code blocks blanked (a `#` there is a shell comment). */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split("\n").map((line) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return "";
    }
    return fence === undefined ? line : "";
  });
}

/** A heading's text as GitHub shows it: links reduced to their text, code and emphasis marks removed. */
function plainText(inline: string): string {
  return inline
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .replace(/\*\*|__/g, "");
}

/**
 * GitHub's anchor for a heading: lower case, everything but letters, digits, spaces, `-` and `_`
 * removed, each space a `-`; a repeated anchor gets `-1`, `-2`, … in page order.
 */
export function slugOf(text: string, seen: Map<string, number> = new Map()): string {
  const base = plainText(text)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
    .replace(/ /g, "-");
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n === 0 ? base : `${base}-${n}`;
}

/** The ATX headings (`#` … `######`) of a page, in order. */
export function headings(markdown: string): Heading[] {
  const seen = new Map<string, number>();
  return proseLines(markdown).flatMap((line) => {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    return m ? [{ level: m[1].length, text: m[2], slug: slugOf(m[2], seen) }] : [];
  });
}

/** A nested list of the page's `##` to `####` headings, each linking to its anchor. */
export function tableOfContents(markdown: string): string {
  return headings(markdown)
    .filter((h) => h.level >= 2 && h.level <= 4)
    .map((h) => `${"  ".repeat(h.level - 2)}- [${h.text.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")}](#${h.slug})`)
    .join("\n");
}

/**
 * The page with the region `<!-- name … -->` … `<!-- /name -->` holding `body` (the opening
 * comment, which says what writes the region, is kept). A page without the region is an error.
 */
export function fillRegion(markdown: string, name: string, body: string): string {
  const region = new RegExp(`(<!-- ${name}\\b[^>]*-->\\n)[\\s\\S]*?(<!-- /${name} -->)`);
  if (!region.test(markdown)) throw new Error(`no <!-- ${name} --> … <!-- /${name} --> region`);
  return markdown.replace(region, (_all, open: string, close: string) => `${open}${body ? `${body}\n` : ""}${close}`);
}

/** Whether the page has the region `name`. */
export function hasRegion(markdown: string, name: string): boolean {
  return new RegExp(`<!-- ${name}\\b[^>]*-->\\n[\\s\\S]*?<!-- /${name} -->`).test(markdown);
}

export interface Link {
  line: number;
  target: string;
}

/** The inline links `[text](target)` of the page's prose (code fences and code spans left out). */
export function links(markdown: string): Link[] {
  return proseLines(markdown).flatMap((line, i) =>
    [...line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ line: i + 1, target: m[1] })),
  );
}
