import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configTable, declaredKeys } from "../../../tools/docs/configReference";

const ROOT = path.join(__dirname, "..", "..", "..");

describe("npm run docs: the config reference", () => {
  it("gives each key its type, its default (none when empty, required when absent) and its description", () => {
    // given a Pulumi.yaml with one key of each kind
    const yaml = [
      "name: p",
      "config:",
      "  mode:",
      "    type: string",
      "    description: The door.",
      "  tags:",
      "    type: array",
      "    items:",
      "      type: string",
      "    description: Some tags.",
      "    default: []",
      "  issuer:",
      "    type: string",
      '    description: "http-jwt: an issuer (set with tags)."',
      '    default: ""',
      "  ttl:",
      "    type: integer",
      "    description: Seconds.",
      "    default: 300",
    ].join("\n");
    // then one row each, in the file's order
    assert.deepEqual(configTable(yaml).split("\n"), [
      "| key | type | default | description |",
      "|---|---|---|---|",
      "| `mode` | string | (required) | The door. |",
      "| `tags` | string[] | `[]` | Some tags. |",
      "| `issuer` | string | none | http-jwt: an issuer (set with tags). |",
      "| `ttl` | integer | `300` | Seconds. |",
    ]);
  });

  it("keeps a description's free text from breaking the table: pipes, stars and angle brackets escaped", () => {
    const yaml =
      'config:\n  mfa:\n    type: string\n    description: "OFF | ON for <stack>, never *."\n    default: "OFF"\n';
    assert.equal(
      configTable(yaml).split("\n")[2],
      "| `mfa` | string | `OFF` | OFF \\| ON for &lt;stack&gt;, never \\*. |",
    );
  });

  it("puts camelCase key names in code and links docs/ references from docs/", () => {
    const yaml = [
      "config:",
      "  domainName:",
      "    type: string",
      "    description: A name.",
      "  hostedZoneId:",
      "    type: string",
      "    description: With domainName, the record (see docs/deploying.md#custom-domain).",
    ].join("\n");
    assert.equal(
      configTable(yaml).split("\n")[3],
      "| `hostedZoneId` | string | (required) | With `domainName`, the record " +
        "(see [docs/deploying.md#custom-domain](deploying.md#custom-domain)). |",
    );
  });

  it("documents, in docs/config.md, every key Pulumi.yaml declares", () => {
    const reference = fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8");
    for (const key of Object.keys(declaredKeys(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))))
      assert.ok(reference.includes(`| \`${key}\` |`), `docs/config.md has a row for ${key}`);
  });
});
