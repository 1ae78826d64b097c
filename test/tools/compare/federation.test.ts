import * as assert from "assert";
import { PROVIDER_TYPES } from "../../../awsRules/federation";
import { COGNITO_PLANS } from "../../../awsRules/userPool";
import { PRICES, cognitoMauCost } from "../../../tools/compare/cost";
import { BILLING_OF, federatedMauCost, federationCostSection, freeMauOf } from "../../../tools/compare/federation";
import { priceSources } from "../../../tools/compare/report";

const p = PRICES["us-east-1"];
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`);

describe("compare: federated users' cost by provider type", () => {
  it("given each provider type, then social ones bill as the pool's own users, SAML and OIDC apart", () => {
    assert.deepEqual(Object.keys(BILLING_OF).sort(), [...PROVIDER_TYPES].sort());
    assert.deepEqual(
      PROVIDER_TYPES.filter((t) => BILLING_OF[t] === "saml-oidc"),
      ["OIDC", "SAML"],
    );
  });

  it("given the price data, then the SAML/OIDC rate names its source, the date read, and that it is unverified", () => {
    const f = p.cognitoFederation;
    assert.match(f.source, /^https:\/\/aws\.amazon\.com\/cognito\/pricing/);
    assert.match(f.read, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(f.verified, false);
  });

  it("given the price sources the comparison lists, then the federation rate's page is marked rate unverified", () => {
    const entry = `${p.cognitoFederation.source} (read ${p.cognitoFederation.read}; rate unverified)`;
    assert.ok(priceSources().includes(entry), priceSources().join("\n"));
  });

  it("given a price's bands, then the free MAU is the last free band's bound before the first paid one", () => {
    assert.equal(freeMauOf(p.cognitoFederation.samlOidc.mauBands), 50);
    assert.equal(freeMauOf([{ upTo: null, price: 0.02 }]), 0);
    assert.equal(
      freeMauOf([
        { upTo: 10, price: 0 },
        { upTo: 60, price: 0 },
        { upTo: null, price: 1 },
      ]),
      60,
    );
  });

  it("given the section's text, then its free MAU and rate are the bands'", () => {
    assert.match(federationCostSection().join("\n"), /billed apart, 50 MAU free, then \$0\.015 per MAU/);
  });

  it("given social users, then each plan prices them as its own MAU (free MAU included)", () => {
    for (const plan of COGNITO_PLANS)
      for (const mau of [0, 10_000, 100_000])
        close(federatedMauCost(mau, "social", plan), cognitoMauCost(mau, plan), `${plan} ${mau}`);
  });

  it("given SAML or OIDC users, then the first 50 are free and each further one costs the federation rate", () => {
    const rate = p.cognitoFederation.samlOidc.mauBands[1].price;
    for (const plan of COGNITO_PLANS) {
      close(federatedMauCost(50, "saml-oidc", plan), 0, `${plan} 50`);
      close(federatedMauCost(10_000, "saml-oidc", plan), 9_950 * rate, `${plan} 10k`);
    }
    assert.ok(
      federatedMauCost(10_000, "saml-oidc", "ESSENTIALS") > federatedMauCost(10_000, "social", "ESSENTIALS"),
      "10,000 social users are within Essentials' free MAU; SAML/OIDC users are not",
    );
  });

  it("given the section, then it has a row per MAU point and provider kind, a column per plan, priced as above", () => {
    const lines = federationCostSection([10_000, 100_000]);
    assert.equal(lines[0], "### Federated users' cost by provider type");
    const rows = lines.filter((l) => /^\| [\d,]+ \|/.test(l)).map((l) => l.split(" | ").map((c) => c.trim()));
    assert.equal(rows.length, 4);
    const [mau, types, ...plans] = rows[3];
    assert.equal(mau.replace("| ", ""), "100,000");
    assert.equal(types, "OIDC, SAML");
    assert.equal(plans.length, COGNITO_PLANS.length);
    const money = (v: number) => `$${v.toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
    assert.equal(plans[0], money(federatedMauCost(100_000, "saml-oidc", COGNITO_PLANS[0])));
    assert.equal(rows[0][1], "Google, Facebook, SignInWithApple, LoginWithAmazon");
  });
});
