import type { AuthMode } from "../../handlers/contract/authModes";
import type { DoorReport } from "./report";
import { albOidcReport } from "./alb-oidc/report";
import { apiKeyReport } from "./api-key/report";
import { cognitoReport } from "./cognito/report";
import { httpJwtReport } from "./http-jwt/report";
import { iamReport } from "./iam/report";
import { lambdaAuthorizerReport } from "./lambda-authorizer/report";

/**
 * What reports say of every door, by authMode: the report half's registry (`<mode>/report.ts`),
 * beside the build half's (registry.ts). `npm run plan`, `npm run compare`, the cost model and
 * local mode read it; the program never loads it. A mode without a report is a compile error here.
 */
export const DOOR_REPORTS = {
  iam: iamReport,
  cognito: cognitoReport,
  "http-jwt": httpJwtReport,
  "api-key": apiKeyReport,
  "alb-oidc": albOidcReport,
  "lambda-authorizer": lambdaAuthorizerReport,
} satisfies { [M in AuthMode]: DoorReport<M, any> };

/** The report of a mode, typed loosely for code that treats every door alike. */
export function doorReport(mode: AuthMode): DoorReport<AuthMode, string> {
  return DOOR_REPORTS[mode] as unknown as DoorReport<AuthMode, string>;
}
