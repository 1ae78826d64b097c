import { COGNITO_PLANS, CognitoPlan } from "../../awsRules/userPool";
import { PROVIDER_TYPES, ProviderType, isSocial } from "../../awsRules/federation";
import { PRICES, RegionPrices, cognitoMauCost, tiered } from "./cost";

/**
 * How Cognito bills a federated person (tools/compare/prices.json, `cognitoFederation`): one from a social provider
 * (Google, Facebook, Sign in with Apple, Login with Amazon) as one of the pool's own users, at the plan's MAU rate and
 * within its free MAU; one from a SAML or OIDC IdP as a "MAU signed in with OIDC or SAML federation", a dimension of
 * its own with its own free tier and rate.
 * https://aws.amazon.com/cognito/pricing/
 * https://docs.aws.amazon.com/cognito/latest/developerguide/tracking-cost.html
 */
export type FederationBilling = "social" | "saml-oidc";

/** Each provider type `identityProviders` takes, by how Cognito bills its users. */
export const BILLING_OF: Record<ProviderType, FederationBilling> = Object.fromEntries(
  PROVIDER_TYPES.map((t) => [t, isSocial(t) ? "social" : "saml-oidc"]),
) as Record<ProviderType, FederationBilling>;

/** What a month of `mau` people who all sign in through providers of one billing kind cost on a plan. */
export function federatedMauCost(
  mau: number,
  billing: FederationBilling,
  plan: CognitoPlan,
  p: RegionPrices = PRICES["us-east-1"],
): number {
  return billing === "social" ? cognitoMauCost(mau, plan, p) : tiered(mau, p.cognitoFederation.samlOidc.mauBands);
}

/** The MAU a price's bands give free: the last free band's upper bound before the first paid one. */
export function freeMauOf(bands: readonly { upTo: number | null; price: number }[]): number {
  const paid = bands.findIndex((b) => b.price > 0);
  return paid > 0 ? (bands[paid - 1].upTo ?? 0) : 0;
}

/** The MAU the table prices. */
export const FEDERATION_MAU_POINTS = [10_000, 100_000];

const usd = (v: number) =>
  v === 0 ? "$0" : `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const line = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** The comparison's section "Federated users' cost by provider type": each kind, at each MAU point, on each plan. */
export function federationCostSection(
  points: readonly number[] = FEDERATION_MAU_POINTS,
  p: RegionPrices = PRICES["us-east-1"],
): string[] {
  const kinds: [FederationBilling, string][] = [
    ["social", PROVIDER_TYPES.filter((t) => BILLING_OF[t] === "social").join(", ")],
    ["saml-oidc", PROVIDER_TYPES.filter((t) => BILLING_OF[t] === "saml-oidc").join(", ")],
  ];
  const head = ["MAU", "provider type", ...COGNITO_PLANS.map((plan) => `\`${plan}\``)];
  return [
    "### Federated users' cost by provider type",
    "",
    "What Cognito bills a month for people who sign in through providers federated into the pool " +
      "(`identityProviders`, [docs/federation.md](federation.md#what-federated-users-cost)), all of one kind and " +
      "nobody else: social providers' users are the pool's MAUs at the plan's rate and free MAU; SAML and OIDC " +
      `users are billed apart, ${freeMauOf(p.cognitoFederation.samlOidc.mauBands)} MAU free, then ` +
      `$${p.cognitoFederation.samlOidc.mauBands.find((b) => b.price > 0)!.price} per MAU on every plan ` +
      "(the rate is not re-read from the pricing page: see the price sources). A door that verifies an outside " +
      "issuer directly (`jwtIssuer`, `oidc*`, `authorizerIssuer`) costs nothing at Cognito for those people.",
    "",
    line(head),
    line(head.map(() => "---")),
    ...points.flatMap((mau) =>
      kinds.map(([kind, types]) =>
        line([
          mau.toLocaleString("en-US"),
          types,
          ...COGNITO_PLANS.map((plan) => usd(federatedMauCost(mau, kind, plan, p))),
        ]),
      ),
    ),
  ];
}
