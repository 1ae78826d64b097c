import type { Check } from "../check";
import { ALB_CHECKS } from "./alb";
import { API_KEY_CHECKS } from "./apiKeys";
import { EVERY_DOOR_CHECKS } from "./everyDoor";
import { FEDERATION_CHECKS } from "./federation";
import { IAM_CHECKS } from "./iam";
import { LAMBDA_AUTHORIZER_CHECKS } from "./lambdaAuthorizer";
import { MTLS_CHECKS } from "./mtls";
import { REVOCATION_CHECKS } from "./revocation";
import { TOKEN_CHECKS } from "./tokens";
import { USAGE_PLAN_CHECKS } from "./usagePlans";

/**
 * The contract suite's checks, family by family, in the order they run: what every door must do
 * first, then each family, each check selecting itself from the door's outputs (check.ts). The
 * usage plans come after the families that call as the same parties, since they spend a quota.
 */
export const CHECKS: readonly Check[] = [
  ...EVERY_DOOR_CHECKS,
  ...TOKEN_CHECKS,
  ...FEDERATION_CHECKS,
  ...REVOCATION_CHECKS,
  ...MTLS_CHECKS,
  ...IAM_CHECKS,
  ...API_KEY_CHECKS,
  ...LAMBDA_AUTHORIZER_CHECKS,
  ...USAGE_PLAN_CHECKS,
  ...ALB_CHECKS,
];
