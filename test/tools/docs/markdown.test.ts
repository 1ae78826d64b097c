import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { fillRegion, headings, links, slugOf, tableOfContents } from "../../../tools/docs/markdown";

const ROOT = path.join(__dirname, "..", "..", "..");
const PAGES = [
  "README.md",
  ...fs.readdirSync(path.join(ROOT, "docs")).flatMap((f) => (f.endsWith(".md") ? [`docs/${f}`] : [])),
];

describe("npm run docs: Markdown", () => {
  describe("slugOf", () => {
    it("gives GitHub's anchors: lower case, code marks and punctuation dropped, spaces as hyphens", () => {
      assert.equal(
        slugOf("`iam`: SigV4 with identity-pool credentials, or a machine role"),
        "iam-sigv4-with-identity-pool-credentials-or-a-machine-role",
      );
      assert.equal(
        slugOf("Leaving `alb-oidc` with `albDeletionProtection`"),
        "leaving-alb-oidc-with-albdeletionprotection",
      );
      assert.equal(slugOf("After `pulumi up`"), "after-pulumi-up");
    });
    it("numbers a repeated heading in page order", () => {
      const seen = new Map<string, number>();
      assert.deepEqual(
        [slugOf("Limits", seen), slugOf("Limits", seen), slugOf("Limits", seen)],
        ["limits", "limits-1", "limits-2"],
      );
    });
  });

  describe("headings and tableOfContents", () => {
    it("lists the ## to #### headings, nested, and skips a # inside a code fence", () => {
      // given a page whose shell block has a comment line
      const page = "# Title\n\n## One\n\n```sh\n# not a heading\n```\n\n### Two `a`\n\n#### Three\n\n##### Four\n";
      // then the comment is no heading, and the title and level 5 stay out of the list
      assert.deepEqual(
        headings(page).map((h) => h.text),
        ["Title", "One", "Two `a`", "Three", "Four"],
      );
      assert.equal(tableOfContents(page), "- [One](#one)\n  - [Two `a`](#two-a)\n    - [Three](#three)");
    });
  });

  describe("fillRegion", () => {
    it("replaces what is between the markers, keeps the opening comment, and refuses a page without them", () => {
      const page = "a\n<!-- toc: written by npm run docs -->\nold\n<!-- /toc -->\nb\n";
      assert.equal(fillRegion(page, "toc", "new"), "a\n<!-- toc: written by npm run docs -->\nnew\n<!-- /toc -->\nb\n");
      assert.throws(() => fillRegion("a\n", "toc", "new"), /no <!-- toc -->/);
    });
  });

  describe("the README and docs/", () => {
    it("link only to files that exist and to headings those pages have", () => {
      const broken: string[] = [];
      for (const page of PAGES) {
        const text = fs.readFileSync(path.join(ROOT, page), "utf8");
        for (const { line, target } of links(text)) {
          if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
          const [file, anchor] = target.split("#");
          const resolved = file ? path.join(path.dirname(path.join(ROOT, page)), file) : path.join(ROOT, page);
          if (!fs.existsSync(resolved)) {
            broken.push(`${page}:${line} ${target}: no such file`);
            continue;
          }
          if (anchor === undefined || !resolved.endsWith(".md")) continue;
          const slugs = headings(fs.readFileSync(resolved, "utf8")).map((h) => h.slug);
          if (!slugs.includes(anchor)) broken.push(`${page}:${line} ${target}: no such heading`);
        }
      }
      assert.deepEqual(broken, []);
    });
    it("keep the README a short first read (about 200 lines)", () => {
      assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length <= 210);
    });
  });
});
